"""Signing: number, PDF and TTE all or nothing; fail closed; no gaps, no doubles."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.core.errors import Conflict, DomainError, PermissionDenied
from warkat.drafting.models import (
    Delivery,
    Draft,
    NumberCounter,
    NumberEntry,
    ReviewStep,
)
from warkat.drafting.register import number_reserve, number_void
from warkat.drafting.sending import letter_sign
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
from warkat.letters.models import Letter

pytestmark = pytest.mark.django_db


def counters() -> list[tuple[int, int]]:
    return list(NumberCounter.objects.order_by("pk").values_list("year", "last_number"))


def unsigned(d: Draft) -> None:
    d = Draft.objects.get(pk=d.pk)
    assert (
        d.state == "approved" and d.signed_document_id is None and d.signed_at is None
    )
    letter = Letter.objects.get(pk=d.letter_id)
    assert letter.number == "" and letter.status == "approved"
    assert not NumberEntry.objects.filter(letter=letter).exists()
    assert not Delivery.objects.filter(draft=d).exists()


def test_sign_allocates_number_and_stores_signed_pdf(o: SimpleNamespace) -> None:
    from pypdf import PdfReader

    from warkat.signing.documents import signed_open
    from warkat.signing.models import SignedDocument

    user = signer_ready(o)
    d = approved(o)
    letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    d = Draft.objects.get(pk=d.pk)
    letter = d.letter
    assert d.state in {"signed", "sent"}
    assert letter.number == f"000.1.1/1/{o.dinas.code}/XI/2026"
    assert str(letter.letter_date) == "2026-11-04"
    assert d.signed_by == o.people.kadis and d.signer_kind == "definitif"
    doc = SignedDocument.objects.get(pk=d.signed_document_id)
    assert doc.letter_number == letter.number and doc.signer_person == o.people.kadis
    pdf = signed_open(doc)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert letter.number in text and "Permohonan data statistik sektoral" in text
    assert reader.get_fields()  # the signature field
    entry = NumberEntry.objects.get(letter=letter)
    assert (entry.sequence, entry.kind) == (1, "signed")
    step = ReviewStep.objects.get(draft=d, kind="signer", round=d.round)
    assert step.state == "signed" and step.acted_by == o.people.kadis
    assert Delivery.objects.filter(draft=d).count() == 2


def test_second_letter_takes_next_number(o: SimpleNamespace, frozen: Any) -> None:
    user = signer_ready(o)
    a, b = approved(o), approved(o, subject="Kedua")
    letter_sign(actor=user, draft=a, passphrase=PASSPHRASE, otp=otp())
    letter_sign(actor=user, draft=b, passphrase=PASSPHRASE, otp=otp(frozen))
    assert sorted(NumberEntry.objects.values_list("sequence", flat=True)) == [1, 2]


def test_unreachable_tsa_fails_closed(
    o: SimpleNamespace, settings: Any, frozen: Any
) -> None:
    user = signer_ready(o)
    d = approved(o)
    settings.WARKAT_TSA_URL = "http://127.0.0.1:9/tsa"
    settings.WARKAT_TSA_TIMEOUT = 1
    with pytest.raises(DomainError) as exc:
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert exc.value.status_code == 503
    unsigned(d)
    # Taken in step 1 and given back after the failure: no number is used up.
    assert counters() == [(2026, 0)]
    settings.WARKAT_TSA_URL = ""
    letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp(frozen))
    assert NumberEntry.objects.get().sequence == 1  # no gap after the failure


def test_wrong_passphrase_or_code_or_signer(o: SimpleNamespace, frozen: Any) -> None:
    user = signer_ready(o)
    d = approved(o)
    with pytest.raises(DomainError):
        letter_sign(actor=user, draft=d, passphrase="salah-sekali-123", otp=otp())
    with pytest.raises(DomainError):
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp="000000")
    with pytest.raises(PermissionDenied):
        letter_sign(
            actor=o.users.kabid_a, draft=d, passphrase=PASSPHRASE, otp=otp(frozen)
        )
    unsigned(d)
    from warkat.signing.models import SignerCertificate

    assert (
        SignerCertificate.objects.get(
            person=o.people.kadis, status="active"
        ).failed_attempts
        == 1
    )


def test_sign_in_wrong_state(o: SimpleNamespace) -> None:
    from warkat.drafting.tests.factories import draft

    user = signer_ready(o)
    d = draft(o)
    with pytest.raises(Conflict):
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert counters() == []


def test_reserve_and_void_share_the_sequence(o: SimpleNamespace, frozen: Any) -> None:
    from warkat.drafting.tests.factories import naskah

    user = signer_ready(o)
    surat = naskah(o.tenant)
    with pytest.raises(PermissionDenied):
        number_reserve(
            actor=o.users.staf_a,
            unit=o.dinas,
            naskah_type=surat,
            subject="Surat kertas",
        )
    reserved = number_reserve(
        actor=o.users.tu,
        unit=o.dinas,
        naskah_type=surat,
        subject="Surat kertas",
        classification_code="000.1.1",
    )
    assert (
        reserved.number == f"000.1.1/1/{o.dinas.code}/XI/2026"
        and reserved.kind == "reserved"
    )
    d = approved(o)
    letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert Letter.objects.get(pk=d.letter_id).number.startswith("000.1.1/2/")
    with pytest.raises(PermissionDenied):
        number_void(actor=o.users.staf_a, entry=reserved, reason="batal")
    from warkat.core.errors import ValidationError

    with pytest.raises(ValidationError):
        number_void(actor=o.users.tu, entry=reserved, reason=" ")
    voided = number_void(actor=o.users.tu, entry=reserved, reason="Surat batal dikirim")
    assert voided.voided_at is not None and voided.voided_by == o.users.tu
    with pytest.raises(Conflict):
        number_void(actor=o.users.tu, entry=reserved, reason="lagi")
    from warkat.audit.models import AuditEvent

    assert (
        AuditEvent.objects.filter(
            action__in=["drafting.number_reserve", "drafting.number_void"]
        ).count()
        == 2
    )


def test_unreachable_bsre_fails_closed(o: SimpleNamespace, settings: Any) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    from warkat.demo.accounts import DEMO_TOTP_SECRET
    from warkat.signing.services import bsre_account_set, signing_settings_update

    signing_settings_update(tenant=o.tenant, actor=o.users.admin, provider="bsre")
    bsre_account_set(
        tenant=o.tenant,
        actor=o.users.admin,
        person=o.people.kadis,
        nik="9111010101800001",
    )
    TOTP.activate(o.users.kadis, DEMO_TOTP_SECRET)
    settings.WARKAT_BSRE_URL = "http://127.0.0.1:9"
    d = approved(o)
    with pytest.raises(DomainError) as exc:
        letter_sign(actor=o.users.kadis, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert exc.value.status_code == 503
    unsigned(d)
    assert counters() == [(2026, 0)]  # taken, then given back
