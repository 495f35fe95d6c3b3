"""Integrity of signed and secret letters: files are added only by whoever may act
on the letter in its current state; a correction never lowers a security level nor
reveals what its author may not read; declassification is the addressee's (or the
signer's) own act, with a reason and an audit event of its own."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from warkat.audit.models import AuditEvent
from warkat.core.errors import Conflict, PermissionDenied, ValidationError
from warkat.dispositions.services.create import disposition_create
from warkat.letters.models import Letter, LetterFile
from warkat.letters.services.correction import letter_update
from warkat.letters.services.files import letter_file_add
from warkat.letters.tests.factories import client_for, pdf_upload, register

pytestmark = pytest.mark.django_db
SECRET = "investigasi"


def secret_letter(o: SimpleNamespace, level: str = "sangat_rahasia") -> Letter:
    return register(
        o,
        subject=f"Hasil audit {SECRET}",
        summary=f"Ringkasan {SECRET} kasus pengadaan",
        security=level,
    )


def post_file(client: Any, letter: Letter) -> Any:
    return client.post(
        f"/api/v1/letters/{letter.pk}/files", {"file": pdf_upload("lampiran.pdf")}
    )


def files_of(letter: Letter) -> int:
    return LetterFile.objects.filter(letter=letter).count()


# --- adding files -------------------------------------------------------------


def test_tu_adds_a_file_while_the_letter_is_not_yet_disposed(
    o: SimpleNamespace,
) -> None:
    letter = register(o, files=[])
    added = post_file(client_for(o.users.tu), letter)
    assert added.status_code == 201, added.content
    assert files_of(letter) == 1
    assert AuditEvent.objects.filter(action="letter.file_add").count() == 1


def test_no_file_is_added_to_a_secret_letter_its_keeper_may_not_read(
    o: SimpleNamespace,
) -> None:
    letter = secret_letter(o)
    before = files_of(letter)
    for user in (o.users.admin, o.users.tu):
        answer = post_file(client_for(user), letter)
        assert answer.status_code == 403, answer.content
        assert SECRET not in answer.content.decode()
        with pytest.raises(PermissionDenied) as exc:
            letter_file_add(actor=user, letter=letter, upload=pdf_upload())
        assert exc.value.code == "letter.file_secret"
    assert files_of(letter) == before
    assert not AuditEvent.objects.filter(action="letter.file_add").exists()


def test_no_file_is_added_once_the_letter_is_disposed(o: SimpleNamespace) -> None:
    letter = register(o)
    disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
        deadline=dt.date(2026, 11, 10),
    )
    answer = post_file(client_for(o.users.admin), letter)
    assert answer.status_code == 409 and answer.json()["code"] == "letter.files_closed"
    # The addressee and the disposition chain act on it, but not on its files.
    assert post_file(client_for(o.users.kadis), letter).status_code == 403
    assert files_of(letter) == 1


def test_no_file_is_added_to_a_signed_letter_or_its_delivered_copy(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from warkat.drafting.sending import letter_sign
    from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready

    d = approved(o)
    with django_capture_on_commit_callbacks(execute=True):
        letter_sign(actor=signer_ready(o), draft=d, passphrase=PASSPHRASE, otp=otp())
    signed = Letter.objects.get(pk=d.letter_id)
    assert signed.status == "sent" and signed.is_signed
    copy = Letter.objects.get(source_letter=signed, addressed_position=o.pos.kadinkes)
    assert copy.is_signed and copy.status == "new"
    before = {signed.pk: files_of(signed), copy.pk: files_of(copy)}
    admin = client_for(o.users.admin)
    for letter in (signed, copy):
        answer = post_file(admin, letter)
        assert answer.status_code == 409, answer.content
        assert answer.json()["code"] == "letter.signed_frozen"
        with pytest.raises(Conflict):
            letter_file_add(actor=o.users.admin, letter=letter, upload=pdf_upload())
        assert files_of(letter) == before[letter.pk]
    # The delivered copy's signed content stays too; routing it may still change.
    with pytest.raises(Conflict) as exc:
        letter_update(actor=o.users.admin, letter=copy, subject="Lain")
    assert exc.value.code == "letter.signed_frozen"
    letter_update(actor=o.users.admin, letter=copy, urgency="segera")
    assert Letter.objects.get(pk=copy.pk).urgency == "segera"
    # The correction form shows the signed fields but does not take them.
    url = reverse("letters:correct", args=[copy.pk])
    form = admin.get(url).content.decode()
    assert 'name="subject"' in form and "disabled" in form
    posted = admin.post(
        url,
        {
            "addressed_position": copy.addressed_position_id,
            "sender_institution": "Lain",
            "sender_name": "Lain",
            "number": "999/LAIN",
            "letter_date": "2026-11-01",
            "received_date": copy.received_date.isoformat(),
            "subject": "Lain",
            "summary": "Lain",
            "classification": copy.classification.code,
            "security": copy.security,
            "urgency": "amat_segera",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:3000]
    kept = Letter.objects.get(pk=copy.pk)
    assert kept.urgency == "amat_segera"
    assert (kept.subject, kept.number, kept.sender_institution) == (
        signed.subject,
        signed.number,
        copy.sender_institution,
    )


# --- correcting a letter one may not read --------------------------------------


def test_a_correction_cannot_lower_the_security_level(o: SimpleNamespace) -> None:
    letter = secret_letter(o)
    for user in (o.users.admin, o.users.tu):
        answer = client_for(user).patch(
            f"/api/v1/letters/{letter.pk}",
            {"security": "biasa"},
            content_type="application/json",
        )
        assert answer.status_code == 422, answer.content
        assert answer.json()["code"] == "letter.security_lowering"
        assert SECRET not in answer.content.decode()
        assert Letter.objects.get(pk=letter.pk).security == "sangat_rahasia"
        # The letter and its scan stay closed to them.
        shown = client_for(user).get(f"/api/v1/letters/{letter.pk}").json()
        assert shown["letter"]["restricted"] and SECRET not in str(shown)
        scan = letter.files.get()
        assert (
            client_for(user)
            .get(f"/api/v1/letters/{letter.pk}/files/{scan.pk}")
            .status_code
            == 404
        )
    # Not even a records clerk who reads it lowers a level by correcting it.
    plain = register(o, security="terbatas")
    with pytest.raises(ValidationError) as exc:
        letter_update(actor=o.users.tu, letter=plain, security="biasa")
    assert exc.value.code == "letter.security_lowering"
    # Raising stays open to the register keeper.
    letter_update(actor=o.users.tu, letter=plain, security="rahasia")
    assert Letter.objects.get(pk=plain.pk).security == "rahasia"


def test_the_correction_form_cannot_lower_the_level_either(
    o: SimpleNamespace,
) -> None:
    letter = secret_letter(o)
    tu = client_for(o.users.tu)
    url = reverse("letters:correct", args=[letter.pk])
    posted = tu.post(
        url,
        {
            "addressed_position": "",
            "sender_institution": letter.sender_institution,
            "sender_name": letter.sender_name,
            "number": letter.number,
            "letter_date": "2026-11-02",
            "received_date": "2026-11-03",
            "subject": "",
            "summary": "",
            "classification": "",
            "security": "biasa",
            "urgency": "biasa",
        },
    )
    assert posted.status_code == 200
    page = posted.content.decode()
    assert SECRET not in page and "deklasifikasi" in page.lower()
    assert Letter.objects.get(pk=letter.pk).security == "sangat_rahasia"


def test_a_keeper_cannot_route_a_letter_they_may_not_read_to_themselves(
    o: SimpleNamespace,
) -> None:
    letter = secret_letter(o, "rahasia")
    with pytest.raises(PermissionDenied) as exc:
        letter_update(actor=o.users.tu, letter=letter, addressed_position=o.pos.tu)
    assert exc.value.code == "letter.reroute_to_self"
    answer = client_for(o.users.tu).patch(
        f"/api/v1/letters/{letter.pk}",
        {"addressed_position_id": o.pos.tu.pk},
        content_type="application/json",
    )
    assert answer.status_code == 403 and SECRET not in answer.content.decode()
    assert Letter.objects.get(pk=letter.pk).addressed_position_id == o.pos.kadis.pk
    # Re-routing it to someone else is still the clerk's job, told blind.
    moved = client_for(o.users.tu).patch(
        f"/api/v1/letters/{letter.pk}",
        {"addressed_position_id": o.pos.sekdis.pk, "urgency": "segera"},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["restricted"] and SECRET not in moved.content.decode()
    assert moved.json()["subject"] is None and moved.json()["summary"] is None


def test_an_unsigned_draft_stays_with_its_chain_on_the_letter_routes(
    o: SimpleNamespace,
) -> None:
    """Outgoing drafts are read on the drafting pages by their chain; the records
    clerk and the admin keep only signed letters, on every route."""
    from warkat.drafting.tests.factories import draft

    d = draft(o, subject="Konsep nota dinas internal")
    letter = Letter.objects.get(pk=d.letter_id)
    for user in (o.users.admin, o.users.tu):
        c = client_for(user)
        for url in (
            f"/api/v1/letters/{letter.pk}",
            reverse("letters:detail", args=[letter.pk]),
        ):
            assert c.get(url).status_code == 404, (user, url)
        assert post_file(c, letter).status_code == 404


def test_a_secret_letters_delivery_is_retried_by_its_drafter_only(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from warkat.drafting.fields import RecipientInput
    from warkat.drafting.models import Delivery
    from warkat.drafting.sending import delivery_retry, letter_sign
    from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready

    d = approved(
        o,
        security="rahasia",
        recipients=[RecipientInput(kind="external", label="PT X", email="x@x.invalid")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter_sign(actor=signer_ready(o), draft=d, passphrase=PASSPHRASE, otp=otp())
    row = Delivery.objects.get(draft=d)
    assert row.status == "failed"
    # The register keepers do not see a secret letter, so they do not act on it.
    for user in (o.users.tu, o.users.admin):
        with pytest.raises(PermissionDenied):
            delivery_retry(actor=user, delivery=row)
    assert Delivery.objects.get(pk=row.pk).attempts == 1
    delivery_retry(actor=o.users.staf_a, delivery=row)
    assert Delivery.objects.get(pk=row.pk).status == "pending"
