"""Signing with the tenant CA: independent validation, tampering, refusals, faults."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import subprocess
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import transaction
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from warkat.audit.models import AuditEvent
from warkat.core.errors import DomainError
from warkat.signing import documents, pki, services
from warkat.signing.errors import ServiceUnavailable
from warkat.signing.models import SignedDocument, SignerCertificate
from warkat.signing.tests import factories
from warkat.signing.tests.conftest import stored_files

STAMP = documents.StampInfo(
    position="Plt. Kepala Dinas Kesehatan Kabupaten Keerom",
    name="dr. Maria Yikwa, M.Kes",
    nip="198005172005031001",
)


_slot = itertools.count(1)


def _sign(signer: factories.Signer, **kw: Any) -> documents.SignatureResult:
    if "otp" in kw:
        return _sign_now(signer, **kw)
    # A TOTP code is accepted once: every attempt happens in its own 30 s window.
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=31 * next(_slot))
    with time_machine.travel(moment, tick=True):
        return _sign_now(signer, **kw)


def _sign_now(signer: factories.Signer, **kw: Any) -> documents.SignatureResult:
    return factories.sign(
        signer,
        stamp=STAMP,
        letter_number="000.1/12/DINKES/2026",
        letter_date=dt.date(2026, 3, 2),
        **kw,
    )


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, check=False
    ).stdout


def _pyhanko(pdf: bytes, tenant: Any) -> Any:
    root = pki.cached_cert(bytes(services.ca_for(tenant).root_cert_der))
    sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    context = ValidationContext(trust_roots=[pki.asn1_cert(root)], allow_fetching=False)
    return validate_pdf_signature(sig, context, context)


def test_signed_pdf_passes_pdfsig_and_pyhanko(
    signer: factories.Signer, tmp_path: Path
) -> None:
    result = _sign(signer)
    report = _pdfsig(result.signed_pdf, tmp_path)
    assert "Signature is Valid" in report
    assert "Total document signed" in report or "Not total document signed" in report
    status = _pyhanko(result.signed_pdf, signer.person.tenant)
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    reader = PdfFileReader(io.BytesIO(result.signed_pdf), strict=False)
    # B-LT: the revocation data of the tenant CA is in the document security store.
    assert "/DSS" in reader.root
    doc = result.document
    assert doc.pades_level == "B-LT"
    assert doc.verification_code in result.verification_url
    assert doc.sha256 == __import__("hashlib").sha256(result.signed_pdf).hexdigest()
    assert AuditEvent.objects.filter(action="signing.document_signed").count() == 1
    with pytest.raises(RuntimeError):
        doc.save()


def test_one_changed_byte_is_detected(signer: factories.Signer, tmp_path: Path) -> None:
    signed = bytearray(_sign(signer).signed_pdf)
    # Change one byte of the signed content (the page text), outside /Contents.
    index = signed.index(b"/Type /Page") + 2 if b"/Type /Page" in signed else 200
    signed[index] = ord("X") if signed[index] != ord("X") else ord("Y")
    report = _pdfsig(bytes(signed), tmp_path)
    assert "Signature is Valid" not in report
    status = _pyhanko(bytes(signed), signer.person.tenant)
    assert not (status.intact and status.valid)


def test_revoked_certificate_is_refused(signer: factories.Signer) -> None:
    assert signer.certificate is not None
    services.certificate_revoke(
        tenant=signer.person.tenant,
        actor=None,
        certificate=signer.certificate,
        reason="key_compromise",
    )
    with pytest.raises(DomainError) as exc:
        _sign(signer)
    assert exc.value.code == "signing.certificate_revoked"


def test_expired_certificate_is_refused(signer: factories.Signer) -> None:
    assert signer.certificate is not None and signer.certificate.not_after
    later = signer.certificate.not_after + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False), pytest.raises(DomainError) as exc:
        _sign(signer, otp=factories.totp_code(at=later.timestamp()))
    assert exc.value.code == "signing.certificate_expired"


def test_wrong_passphrase_says_so_and_locks_after_five(
    signer: factories.Signer,
) -> None:
    for tries_left in (4, 3, 2, 1):
        with pytest.raises(DomainError) as exc:
            _sign(signer, passphrase="salah-sekali-123")
        assert exc.value.code == "signing.passphrase_wrong"
        assert str(tries_left) in exc.value.text("en")
        assert "salah-sekali" not in exc.value.text("en")
    with pytest.raises(DomainError) as exc:
        _sign(signer, passphrase="salah-sekali-123")
    assert exc.value.code == "signing.locked"
    cert = SignerCertificate.objects.get(pk=signer.certificate.pk)  # type: ignore[union-attr]
    assert cert.failed_attempts == 5 and cert.locked_at is not None
    # Even the right passphrase is refused until the admin unlocks.
    with pytest.raises(DomainError) as exc:
        _sign(signer)
    assert exc.value.code == "signing.locked"
    services.certificate_unlock(tenant=cert.tenant, actor=None, certificate=cert)
    assert _sign(signer).document.pk


def test_failures_survive_the_callers_rollback(signer: factories.Signer) -> None:
    # The workflow unlocks before opening its transaction; the count is committed
    # by signer_unlock itself, so rolling back the caller's work keeps it.
    with pytest.raises(DomainError):
        documents.signer_unlock(
            tenant=signer.person.tenant,
            signer_person=signer.person,
            signer_user=signer.user,
            passphrase="salah-sekali-123",
            otp=factories.totp_code(),
        )
    with pytest.raises(RuntimeError), transaction.atomic():
        raise RuntimeError("the letter workflow failed later")
    cert = SignerCertificate.objects.get(pk=signer.certificate.pk)  # type: ignore[union-attr]
    assert cert.failed_attempts == 1


def test_signer_without_totp_is_refused(in_tenant: Any) -> None:
    s = factories.signer(in_tenant, totp=False)
    with pytest.raises(DomainError) as exc:
        _sign(s)
    assert exc.value.code == "signing.totp_missing"


def test_wrong_otp_and_missing_passphrase_are_refused(signer: factories.Signer) -> None:
    with pytest.raises(DomainError) as exc:
        _sign(signer, otp="000000" if factories.totp_code() != "000000" else "111111")
    assert exc.value.code == "signing.otp_wrong"
    with pytest.raises(DomainError) as exc:
        _sign(signer, passphrase="")
    assert exc.value.code == "signing.passphrase_required"


def test_unreachable_tsa_fails_closed(
    signer: factories.Signer, settings: Any, signed_storage: Path
) -> None:
    settings.WARKAT_TSA_URL = "http://127.0.0.1:9/tsa"
    before = len(stored_files(signed_storage))
    with pytest.raises(ServiceUnavailable) as exc:
        _sign(signer)
    assert exc.value.code == "signing.tsa_unavailable"
    assert SignedDocument.objects.count() == 0
    assert len(stored_files(signed_storage)) == before
    assert not AuditEvent.objects.filter(action="signing.document_signed").exists()


def test_guard_removes_the_file_when_the_callers_transaction_fails(
    signer: factories.Signer, signed_storage: Path
) -> None:
    with (
        pytest.raises(RuntimeError),
        documents.signed_files_guard(),
        transaction.atomic(),
    ):
        result = _sign(signer)
        assert (signed_storage / result.document.storage_name).exists()
        raise RuntimeError("number allocation failed after signing")
    assert not [p for p in stored_files(signed_storage) if p.suffix == ".pdf"]
    assert SignedDocument.objects.count() == 0


def test_orphan_sweep_removes_files_without_row(
    signer: factories.Signer, signed_storage: Path
) -> None:
    result = _sign(signer)
    orphan = signed_storage / Path(result.document.storage_name).with_name("orphan.pdf")
    orphan.write_bytes(b"%PDF-1.7 half")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)):
        removed = documents.signed_orphans_sweep(tenant_id=signer.person.tenant_id)
    assert removed == [str(Path(result.document.storage_name).with_name("orphan.pdf"))]
    assert (signed_storage / result.document.storage_name).exists()


def test_renewed_certificate_signs_with_same_passphrase(
    signer: factories.Signer,
) -> None:
    assert signer.certificate is not None
    new = services.certificate_renew(
        tenant=signer.person.tenant, actor=None, certificate=signer.certificate
    )
    old = SignerCertificate.objects.get(pk=signer.certificate.pk)
    assert old.status == "revoked" and old.revocation_reason == "superseded"
    result = _sign(signer)
    assert result.document.certificate_id == new.pk


def test_footer_text_names_the_issuer(signer: factories.Signer) -> None:
    tenant = signer.person.tenant
    text = documents.footer_text(tenant=tenant, verification_url="https://x/v/1")
    assert tenant.name in text and "https://x/v/1" in text and "BSrE" not in text
    text = documents.footer_text(tenant=tenant, verification_url="u", provider="bsre")
    assert "Balai Sertifikasi Elektronik" in text
