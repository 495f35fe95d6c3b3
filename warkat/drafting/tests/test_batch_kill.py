"""A batch signing killed (SIGKILL, in a real child process) in the middle: no
duplicate number, no gap, no half-signed letter, and recovery finishes the job;
on SQLite and PostgreSQL (see ``crash``)."""

from __future__ import annotations

import signal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.drafting import sending
from warkat.drafting.ahead import render_ahead
from warkat.drafting.batch_models import RenderAhead, SigningBatch, SigningBatchItem
from warkat.drafting.batches import letters_sign_batch
from warkat.drafting.models import Delivery, Draft, NumberCounter, NumberEntry
from warkat.drafting.recovery import numbers_pending_sweep
from warkat.drafting.tests.crash import die, run_killed
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
from warkat.letters.models import Letter
from warkat.signing.models import SignedDocument
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LETTERS = 5
#: The child dies while signing this letter (1-based).
KILLED_AT = 3


def _batch_in_child(
    tenant_id: int, user_id: int, draft_ids: list[int], code: str, where: str
) -> None:
    from warkat.accounts.models import User

    calls = {"n": 0}
    if where == "signing":  # between taking the number and storing the PDF
        real_make = sending.signature_make

        def make_or_die(**kw: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == KILLED_AT:
                die()
            return real_make(**kw)

        sending.signature_make = make_or_die  # type: ignore[assignment]
    else:  # in the last transaction, after the signed PDF and its row were written
        real_store = sending.document_store

        def store_or_die(**kw: Any) -> Any:
            calls["n"] += 1
            result = real_store(**kw)
            if calls["n"] == KILLED_AT:
                die()
            return result

        sending.document_store = store_or_die  # type: ignore[assignment]
    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        letters_sign_batch(
            actor=User.objects.get(pk=user_id), draft_ids=draft_ids,
            passphrase=PASSPHRASE, otp=code,
        )  # fmt: skip


def _check_register() -> list[NumberEntry]:
    """No duplicate, no gap; every entry either signed on a signed letter, or
    being signed / voided on a letter that is not signed."""
    entries = list(NumberEntry.objects.order_by("sequence"))
    sequences = [e.sequence for e in entries]
    assert sequences == list(range(1, len(entries) + 1))
    assert NumberCounter.objects.get().last_number == len(entries)
    for entry in entries:
        if entry.kind == "signed":
            letter = Letter.objects.get(pk=entry.letter_id)
            assert letter.number == entry.number and letter.status in {"signed", "sent"}
    return entries


def _check_letters(drafts: list[Draft]) -> tuple[list[Draft], list[Draft]]:
    """Every letter is signed completely (number, PDF, document row, batch line,
    deliveries) or not at all (approved, no number, nothing stored)."""
    signed, unsigned = [], []
    for d in drafts:
        d = Draft.objects.select_related("letter").get(pk=d.pk)
        if d.state in {"signed", "sent"}:
            assert d.letter.number and d.signed_document_id
            assert SignedDocument.objects.filter(pk=d.signed_document_id).exists()
            assert SigningBatchItem.objects.filter(draft=d, outcome="signed").exists()
            assert Delivery.objects.filter(draft=d).count() == 2
            signed.append(d)
        else:
            assert d.state == "approved" and d.signed_document_id is None
            assert d.letter.number == "" and d.letter.status == "approved"
            assert not Delivery.objects.filter(draft=d).exists()
            assert not SigningBatchItem.objects.filter(draft=d, outcome="signed")
            unsigned.append(d)
    return signed, unsigned


@pytest.mark.parametrize("ahead", [False, True], ids=["rendered", "rendered-ahead"])
@pytest.mark.parametrize("where", ["signing", "storing"])
def test_a_batch_killed_mid_way_leaves_no_duplicate_no_gap_no_half_signed_letter(
    o: SimpleNamespace, frozen: Any, tmp_path: Path, media: Path, where: str,
    ahead: bool,
) -> None:  # fmt: skip
    user = signer_ready(o)
    drafts = [approved(o, subject=f"Surat {n + 1}") for n in range(LETTERS)]
    ids = [d.pk for d in drafts]
    if ahead:  # the letters were rendered ahead: signing draws the numbers in
        assert all(render_ahead(draft=d) for d in drafts)
    exit_code = run_killed(
        tmp_path, _batch_in_child, o.tenant.pk, user.pk, ids, otp(), where
    )
    assert exit_code == -signal.SIGKILL

    entries = _check_register()
    signed, unsigned = _check_letters(drafts)
    assert [d.pk for d in signed] == ids[: KILLED_AT - 1]
    assert [d.pk for d in unsigned] == ids[KILLED_AT - 1 :]
    # The letter being signed when the process died holds its number "being signed".
    assert [(e.sequence, e.kind, e.letter_id) for e in entries[KILLED_AT - 1 :]] == [
        (KILLED_AT, "pending", drafts[KILLED_AT - 1].letter_id)
    ]
    batch = SigningBatch.objects.get()
    assert SigningBatchItem.objects.filter(batch=batch).count() == KILLED_AT - 1
    assert SignedDocument.objects.count() == KILLED_AT - 1
    # A render ahead is consumed by its letter's signing only.
    assert set(RenderAhead.objects.values_list("draft_id", flat=True)) == (
        set(ids[KILLED_AT - 1 :]) if ahead else set()
    )

    # Recovery, either way: the sweep voids the number after PENDING_AFTER and
    # signing the rest again numbers them on, with the voided number kept.
    frozen.shift(31 * 60)
    assert numbers_pending_sweep() == 1
    rest = letters_sign_batch(
        actor=user, draft_ids=[d.pk for d in unsigned], passphrase=PASSPHRASE,
        otp=otp(frozen),
    )  # fmt: skip
    assert set(
        SigningBatchItem.objects.filter(batch=rest).values_list("outcome", flat=True)
    ) == {"signed"}
    entries = _check_register()
    signed, unsigned = _check_letters(drafts)
    assert len(signed) == LETTERS and not unsigned
    voided = [e for e in entries if e.voided_at is not None]
    assert [(e.sequence, e.letter_id) for e in voided] == [(KILLED_AT, None)]
    assert len(entries) == LETTERS + 1
    assert not RenderAhead.objects.exists()


def test_a_killed_batch_signed_again_the_same_day_takes_up_the_number(
    o: SimpleNamespace, frozen: Any, tmp_path: Path, media: Path
) -> None:
    user = signer_ready(o)
    drafts = [approved(o, subject=f"Surat {n + 1}") for n in range(LETTERS)]
    ids = [d.pk for d in drafts]
    exit_code = run_killed(
        tmp_path, _batch_in_child, o.tenant.pk, user.pk, ids, otp(), "storing"
    )
    assert exit_code == -signal.SIGKILL
    # Before the sweep: the letter that was being signed takes up its own number.
    _signed, unsigned = _check_letters(drafts)
    letters_sign_batch(
        actor=user, draft_ids=[d.pk for d in unsigned], passphrase=PASSPHRASE,
        otp=otp(frozen),
    )  # fmt: skip
    entries = _check_register()
    assert len(entries) == LETTERS and all(e.kind == "signed" for e in entries)
    signed, unsigned = _check_letters(drafts)
    assert len(signed) == LETTERS and not unsigned
