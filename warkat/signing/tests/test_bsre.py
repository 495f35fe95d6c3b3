"""The BSrE provider over real HTTP against the fake eSign Client."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import pytest
import time_machine

from warkat.audit.models import AuditEvent
from warkat.core.errors import DomainError
from warkat.signing import documents, pki, services
from warkat.signing.bsre_fake import FakeBsre
from warkat.signing.errors import ServiceUnavailable
from warkat.signing.models import SignedDocument
from warkat.signing.tests import factories
from warkat.signing.tests.conftest import stored_files
from warkat.signing.verification import pdf_check

NIK = "9111010101800001"
BSRE_PASSPHRASE = "Passphrase-BSrE-Rahasia-77"


@pytest.fixture
def bsre_signer(in_tenant: Any, bsre_server: FakeBsre) -> factories.Signer:
    services.signing_settings_update(tenant=in_tenant, actor=None, provider="bsre")
    s = factories.signer(in_tenant, issue=False)
    services.bsre_account_set(tenant=in_tenant, actor=None, person=s.person, nik=NIK)
    bsre_server.register(
        identity=NIK, name="dr. Maria Yikwa", passphrase=BSRE_PASSPHRASE
    )
    return s


def _sign(s: factories.Signer, passphrase: str, minutes: int = 0) -> Any:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    with time_machine.travel(moment, tick=True):
        return factories.sign(
            s,
            passphrase=passphrase,
            stamp=documents.StampInfo(position="Kepala Dinas", name="dr. Maria Yikwa"),
        )


def _everything_stored() -> str:
    rows = [
        json.dumps(list(AuditEvent.objects.values()), default=str),
        json.dumps(list(SignedDocument.objects.values()), default=str),
    ]
    return "\n".join(rows)


def test_bsre_signs_over_http(
    bsre_signer: factories.Signer, bsre_server: FakeBsre, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    result = _sign(bsre_signer, BSRE_PASSPHRASE)
    assert result.document.provider == "bsre"
    assert bsre_server.sign_count == 1
    path, keys = bsre_server.seen[-1]
    assert path == "/api/v2/sign/pdf"
    assert {"nik", "passphrase", "signatureProperties", "file"} <= set(keys)
    checks = pdf_check(result.signed_pdf, roots=[bsre_server.ca.root_cert])
    assert checks and all(c.intact and c.trusted and c.timestamped for c in checks)
    assert BSRE_PASSPHRASE not in caplog.text
    assert BSRE_PASSPHRASE not in _everything_stored()


def test_wrong_bsre_passphrase_is_refused_without_echo(
    bsre_signer: factories.Signer,
    bsre_server: FakeBsre,
    caplog: Any,
    signed_storage: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Salah-Passphrase-99999"
    with pytest.raises(DomainError) as exc:
        _sign(bsre_signer, wrong, minutes=1)
    assert exc.value.code == "signing.bsre_refused"
    assert "salah" in exc.value.text("en").lower()
    assert wrong not in exc.value.text("en") and wrong not in repr(exc.value.__dict__)
    assert wrong not in caplog.text and wrong not in _everything_stored()
    assert SignedDocument.objects.count() == 0
    assert not stored_files(signed_storage)
    # Refused once, not retried.
    assert bsre_server.sign_count == 0
    assert len([p for p, _k in bsre_server.seen if p.endswith("/sign/pdf")]) == 1


def test_unreachable_bsre_fails_closed(
    bsre_signer: factories.Signer, settings: Any, signed_storage: Path
) -> None:
    settings.WARKAT_BSRE_URL = "http://127.0.0.1:9"
    with pytest.raises(ServiceUnavailable) as exc:
        _sign(bsre_signer, BSRE_PASSPHRASE, minutes=2)
    assert exc.value.code == "signing.bsre_unavailable"
    assert SignedDocument.objects.count() == 0
    assert not stored_files(signed_storage)


def test_wrong_application_credentials(
    bsre_signer: factories.Signer, settings: Any
) -> None:
    settings.WARKAT_BSRE_PASSWORD = "not-the-password"
    with pytest.raises(ServiceUnavailable):
        _sign(bsre_signer, BSRE_PASSPHRASE, minutes=3)
    assert SignedDocument.objects.count() == 0


def test_credential_repr_hides_the_passphrase(bsre_signer: factories.Signer) -> None:
    credential = documents.signer_unlock(
        tenant=bsre_signer.person.tenant,
        signer_person=bsre_signer.person,
        signer_user=bsre_signer.user,
        passphrase=BSRE_PASSPHRASE,
        otp=factories.totp_code(),
    )
    assert BSRE_PASSPHRASE not in repr(credential)
    assert BSRE_PASSPHRASE not in str(credential.secret)


def test_bsre_verify_endpoint(bsre_signer: factories.Signer) -> None:
    from warkat.signing.providers import bsre

    result = _sign(bsre_signer, BSRE_PASSPHRASE, minutes=4)
    report = bsre.verify(result.signed_pdf)
    assert report["conclusion"] == "VALID" and report["signatureCount"] == 1


def _pem(path: Path, *certs: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    path.write_bytes(
        b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
    )
    return str(path)


def test_bsre_documents_are_trusted_through_the_configured_roots(
    bsre_signer: factories.Signer,
    bsre_server: FakeBsre,
    settings: Any,
    tmp_path: Path,
    client: Any,
) -> None:
    from warkat.signing import verification

    other = pki.ca_build(
        organisation="Lain", urls=pki.PkiUrls(*(f"http://x/{n}" for n in range(5)))
    )
    settings.WARKAT_BSRE_TRUST_ROOTS = _pem(
        tmp_path / "bsre.pem", other.root_cert, bsre_server.ca.root_cert
    )
    result = _sign(bsre_signer, BSRE_PASSPHRASE, minutes=5)
    checked = verification.verification_by_code(result.document.verification_code)
    assert checked.valid and [c.trusted for c in checked.checks] == [True]
    verdict = verification.upload_check(pdf=result.signed_pdf)
    assert verdict.matches
    page = client.get(f"/verifikasi/{result.document.verification_code}")
    assert "tte-good" in page.content.decode()
    # Another CA's root alone does not vouch for the BSrE test CA.
    settings.WARKAT_BSRE_TRUST_ROOTS = _pem(tmp_path / "other.pem", other.root_cert)
    checked = verification.verification_by_code(result.document.verification_code)
    assert not checked.valid and [c.trusted for c in checked.checks] == [False]
    assert not verification.upload_check(pdf=result.signed_pdf).matches
    page = client.get(f"/verifikasi/{result.document.verification_code}")
    assert "tte-bad" in page.content.decode()


def test_bsre_without_roots_is_integrity_only_and_a_broken_bundle_trusts_nothing(
    bsre_signer: factories.Signer, settings: Any, tmp_path: Path, caplog: Any
) -> None:
    from django.core import checks

    from warkat.signing import verification

    result = _sign(bsre_signer, BSRE_PASSPHRASE, minutes=6)
    code = result.document.verification_code
    settings.WARKAT_BSRE_TRUST_ROOTS = ""
    checked = verification.verification_by_code(code)
    assert checked.valid and [c.trusted for c in checked.checks] == [None]
    assert not [m for m in checks.run_checks() if m.id == "warkat.E101"]
    leaf = factories.signer(bsre_signer.person.tenant, name="Yosef Tafor")
    assert leaf.certificate is not None and leaf.certificate.cert_der is not None
    leaf_cert = pki.cached_cert(bytes(leaf.certificate.cert_der))
    for broken in (
        str(tmp_path / "missing.pem"),
        _pem(tmp_path / "empty.pem"),
        _pem(tmp_path / "leaf.pem", leaf_cert),
    ):
        settings.WARKAT_BSRE_TRUST_ROOTS = broken
        checked = verification.verification_by_code(code)
        assert not checked.valid, broken
        assert "WARKAT_BSRE_TRUST_ROOTS cannot be used" in caplog.text
        assert [m.id for m in checks.run_checks() if m.id == "warkat.E101"] == [
            "warkat.E101"
        ]
