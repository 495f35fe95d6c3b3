"""Signing several letters in one action with one authenticator code."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from warkat.audit.models import AuditEvent
from warkat.core.errors import DomainError
from warkat.drafting.batch_models import SigningBatch, SigningBatchItem
from warkat.drafting.batches import letters_sign_batch
from warkat.drafting.models import Delivery, Draft, NumberCounter, NumberEntry
from warkat.drafting.tests.factories import (
    PASSPHRASE,
    approved,
    otp,
    signer_ready,
    tsa_down_at,
)
from warkat.letters.models import LetterEvent
from warkat.signing.models import SignedDocument

pytestmark = pytest.mark.django_db


def _register() -> list[tuple[int, str, int | None]]:
    rows = NumberEntry.objects.order_by("sequence")
    return [(e.sequence, e.kind, e.letter_id) for e in rows]


def test_one_code_signs_every_letter_each_with_its_own_number_and_pdf(
    o: SimpleNamespace,
) -> None:
    user = signer_ready(o)
    drafts = [approved(o, subject=f"Surat {n}") for n in range(3)]
    batch = letters_sign_batch(
        actor=user, draft_ids=[d.pk for d in drafts], passphrase=PASSPHRASE, otp=otp()
    )
    items = list(SigningBatchItem.objects.filter(batch=batch).order_by("at", "pk"))
    assert [i.outcome for i in items] == ["signed"] * 3
    assert [i.draft_id for i in items] == [d.pk for d in drafts]
    fresh = [Draft.objects.select_related("letter").get(pk=d.pk) for d in drafts]
    assert all(d.state in {"signed", "sent"} for d in fresh)
    numbers = [d.letter.number for d in fresh]
    assert [i.number for i in items] == numbers and len(set(numbers)) == 3
    assert _register() == [(n + 1, "signed", fresh[n].letter_id) for n in range(3)]
    documents = SignedDocument.objects.filter(
        pk__in=[d.signed_document_id for d in fresh]
    )
    assert len({doc.sha256 for doc in documents}) == 3
    assert Delivery.objects.filter(draft__in=fresh).count() == 6  # to + copy each
    # The trail: each letter's history says it was signed in a batch.
    kinds = LetterEvent.objects.filter(letter_id__in=[d.letter_id for d in fresh])
    assert kinds.filter(kind="signed_in_batch").count() == 3
    assert not kinds.filter(kind="signed").exists()
    assert AuditEvent.objects.filter(action="drafting.sign_batch").count() == 1
    signs = AuditEvent.objects.filter(action="drafting.sign")
    assert {e.data["batch"] for e in signs} == {batch.pk}


def test_one_failing_letter_does_not_stop_the_others(
    o: SimpleNamespace,
) -> None:
    user = signer_ready(o)
    drafts = [approved(o, subject=f"Surat {n}") for n in range(3)]
    with tsa_down_at(2):
        batch = letters_sign_batch(
            actor=user, draft_ids=[d.pk for d in drafts], passphrase=PASSPHRASE,
            otp=otp(),
        )  # fmt: skip
    items = {i.draft_id: i for i in SigningBatchItem.objects.filter(batch=batch)}
    assert [items[d.pk].outcome for d in drafts] == ["signed", "failed", "signed"]
    failed = items[drafts[1].pk]
    assert failed.error_code == "signing.tsa_unavailable" and failed.error_message
    middle = Draft.objects.select_related("letter").get(pk=drafts[1].pk)
    assert middle.state == "approved" and middle.letter.number == ""
    assert middle.signed_document_id is None
    assert not Delivery.objects.filter(draft=middle).exists()
    # Its number went back to the counter: the register has no gap.
    last = Draft.objects.select_related("letter").get(pk=drafts[2].pk)
    first = Draft.objects.select_related("letter").get(pk=drafts[0].pk)
    assert _register() == [
        (1, "signed", first.letter_id),
        (2, "signed", last.letter_id),
    ]
    assert NumberCounter.objects.get().last_number == 2


def test_a_letter_that_changed_meanwhile_is_reported(o: SimpleNamespace) -> None:
    from warkat.drafting.services.review import review_return

    user = signer_ready(o)
    a, b = approved(o, subject="A"), approved(o, subject="B")
    review_return(actor=user, draft=a, note="Perbaiki")
    batch = letters_sign_batch(
        actor=user, draft_ids=[a.pk, b.pk], passphrase=PASSPHRASE, otp=otp()
    )
    items = {i.draft_id: i for i in SigningBatchItem.objects.filter(batch=batch)}
    assert items[a.pk].outcome == "failed"
    assert items[a.pk].error_code == "drafting.wrong_state"
    assert items[b.pk].outcome == "signed"


def test_a_wrong_code_signs_nothing(o: SimpleNamespace) -> None:
    user = signer_ready(o)
    drafts = [approved(o, subject=f"Surat {n}") for n in range(2)]
    with pytest.raises(DomainError) as exc:
        letters_sign_batch(
            actor=user, draft_ids=[d.pk for d in drafts], passphrase=PASSPHRASE,
            otp="000000",
        )  # fmt: skip
    assert exc.value.code == "signing.otp_wrong"
    assert not SigningBatch.objects.exists() and not NumberEntry.objects.exists()
    assert set(Draft.objects.values_list("state", flat=True)) == {"approved"}


def test_the_code_is_used_once(o: SimpleNamespace) -> None:
    user = signer_ready(o)
    a, b = approved(o, subject="A"), approved(o, subject="B")
    code = otp()
    letters_sign_batch(actor=user, draft_ids=[a.pk], passphrase=PASSPHRASE, otp=code)
    with pytest.raises(DomainError):
        letters_sign_batch(
            actor=user, draft_ids=[b.pk], passphrase=PASSPHRASE, otp=code
        )
    assert Draft.objects.get(pk=b.pk).state == "approved"


def test_bad_selection_is_refused_before_anything(o: SimpleNamespace) -> None:
    user = signer_ready(o)
    with pytest.raises(DomainError) as exc:
        letters_sign_batch(actor=user, draft_ids=[], passphrase=PASSPHRASE, otp=otp())
    assert exc.value.code == "drafting.batch_empty"
    with pytest.raises(DomainError) as exc:
        letters_sign_batch(
            actor=user, draft_ids=[999_999], passphrase=PASSPHRASE, otp=otp()
        )
    assert exc.value.status_code == 404
    assert not SigningBatch.objects.exists()


def test_someone_else_cannot_sign_the_letters(o: SimpleNamespace) -> None:
    signer_ready(o)
    other = signer_ready(o, "kabid_a")
    d = approved(o)
    batch = letters_sign_batch(
        actor=other, draft_ids=[d.pk], passphrase=PASSPHRASE, otp=otp()
    )
    item = SigningBatchItem.objects.get(batch=batch)
    assert (item.outcome, item.error_code) == ("failed", "drafting.not_signer")
    assert Draft.objects.get(pk=d.pk).state == "approved"


# --- pages ------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_letters_to_tick_and_signs_the_ticked_ones(
    o: SimpleNamespace,
) -> None:
    user = signer_ready(o)
    drafts = [approved(o, subject=f"Surat nomor {n}") for n in range(3)]
    client = _client(user)
    page = client.get("/naskah/tandatangan/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('type="checkbox" name="letter"') == 3
    assert 'autocomplete="one-time-code"' in text
    ticked = [drafts[0].letter_id, drafts[2].letter_id]
    answer = client.post(
        "/naskah/tandatangan/",
        {"letter": ticked, "passphrase": PASSPHRASE, "otp": otp()},
    )
    assert answer.status_code == 302
    batch = SigningBatch.objects.get()
    assert answer["Location"] == f"/naskah/tandatangan/{batch.pk}/"
    assert set(Draft.objects.filter(pk__in=[d.pk for d in drafts]).values_list(
        "pk", "state"
    )) >= {(drafts[1].pk, "approved")}  # fmt: skip
    report = client.get(answer["Location"]).content.decode()
    for d in (drafts[0], drafts[2]):
        number = Draft.objects.get(pk=d.pk).letter.number
        assert number and number in report
    # The letter's page names the batch.
    detail = client.get(f"/naskah/{drafts[0].letter_id}/").content.decode()
    assert f"/naskah/tandatangan/{batch.pk}/" in detail


def test_the_report_is_the_signers_own(o: SimpleNamespace) -> None:
    user = signer_ready(o)
    d = approved(o)
    batch = letters_sign_batch(
        actor=user, draft_ids=[d.pk], passphrase=PASSPHRASE, otp=otp()
    )
    for someone in (o.users.staf_a, o.users.kabid_a):
        assert (
            _client(someone).get(f"/naskah/tandatangan/{batch.pk}/").status_code == 404
        )


def test_a_non_signer_cannot_tick_letters_of_others(o: SimpleNamespace) -> None:
    signer_ready(o)
    staff = signer_ready(o, "kabid_a")
    d = approved(o)
    client = _client(staff)
    assert 'name="letter"' not in client.get("/naskah/tandatangan/").content.decode()
    answer = client.post(
        "/naskah/tandatangan/",
        {"letter": [d.letter_id], "passphrase": PASSPHRASE, "otp": otp()},
    )
    assert answer.status_code == 422
    assert Draft.objects.get(pk=d.pk).state == "approved"
    assert not SigningBatch.objects.exists()


def test_the_list_costs_the_same_queries_for_more_letters(
    o: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = signer_ready(o)
    client = _client(user)
    counts = []
    for _round in range(2):
        for n in range(3):
            approved(o, subject=f"Surat {_round}-{n}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/naskah/tandatangan/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_what_every_letter_reads_alike_is_read_once_per_batch(
    o: SimpleNamespace, frozen: Any
) -> None:
    """The signer's assignment, number format, signing settings, letterhead and
    CA are read once per batch (``core.memo``), not once per letter; each letter's
    number is taken in the previous letter's last transaction."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = signer_ready(o)
    counts = []
    for size in (2, 4):
        drafts = [approved(o, subject=f"Surat {size}-{n}") for n in range(size)]
        with CaptureQueriesContext(connection) as captured:
            batch = letters_sign_batch(
                actor=user, draft_ids=[d.pk for d in drafts], passphrase=PASSPHRASE,
                otp=otp(frozen),
            )  # fmt: skip
        assert set(
            SigningBatchItem.objects.filter(batch=batch).values_list(
                "outcome", flat=True
            )
        ) == {"signed"}
        sql = [q["sql"] for q in captured.captured_queries]
        counts.append(
            {
                table: sum(f'FROM "{table}"' in s for s in sql)
                for table in (
                    "org_assignment", "drafting_numberformat", "drafting_kop",
                    "signing_signingsettings", "signing_certificateauthority",
                    "audit_auditchainhead",
                )
            }
        )  # fmt: skip
    shared = {k: v for k, v in counts[0].items() if k != "audit_auditchainhead"}
    assert shared == {k: v for k, v in counts[1].items() if k in shared}
    # One lock of the audit chain head per letter, one for the batch row and one
    # for the first letter's number (one per letter more with a transaction of
    # its own for each number).
    assert [c["audit_auditchainhead"] for c in counts] == [4, 6]
