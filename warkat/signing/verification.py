"""Public verification of signed documents: by code (the QR) and by upload.

The public has no tenant, so lookups run under ``all_tenants()``: a verification
code is a random 144-bit token and a SHA-256 names exactly one file, so neither
lets anyone enumerate another tenant's documents. What is shown is cut down for
Rahasia and Sangat Rahasia letters (validity, number and signer only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from django.conf import settings

from warkat.audit.context import client_ip
from warkat.core.throttle import window_take
from warkat.signing import errors, pki
from warkat.signing.documents import signed_open
from warkat.signing.filecache import by_file
from warkat.signing.models import CertificateAuthority, Provider, SignedDocument
from warkat.signing.verdict import SignatureVerdict, pdf_verdicts, worst
from warkat.tenancy.clock import tenant_localtime
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignatureCheck:
    """pyHanko's verdict on one embedded signature."""

    field_name: str
    signer: str
    intact: bool
    trusted: bool | None
    timestamped: bool
    covers_whole_file: bool

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted is not False and self.timestamped


@dataclass(frozen=True)
class Verification:
    document: SignedDocument
    tenant: Tenant
    checks: list[SignatureCheck]
    #: An uploaded file's result (``signing.verdict``), which decides validity.
    verdict: SignatureVerdict | None = None

    @property
    def valid(self) -> bool:
        if self.verdict is not None:
            return self.verdict.valid
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def secret(self) -> bool:
        return self.document.is_secret

    def public_dict(self) -> dict[str, Any]:
        """What the page and the API show (less for Rahasia/Sangat Rahasia)."""
        doc = self.document
        data: dict[str, Any] = {
            "valid": self.valid,
            "letter_number": doc.letter_number,
            "signer_name": doc.signer_name,
        }
        if self.secret:
            return data
        local = tenant_localtime(self.tenant, doc.signed_at)
        data.update(
            {
                "signer_position": doc.signer_position,
                "signer_nip": doc.signer_nip,
                "signed_at": local.isoformat(),
                "letter_date": doc.letter_date.isoformat() if doc.letter_date else None,
                "sha256": doc.sha256,
                "issuer": self.tenant.name,
                "provider": doc.provider,
                "level": doc.pades_level,
            }
        )
        return data


def rate_limit(*, ip: str | None = None) -> None:
    """Allow WARKAT_VERIFY_RATE requests per client address per minute. Counted in
    the shared Django cache (database or Redis), so every app process sees it;
    pages, uploads and the API share one budget."""
    count, _ = window_take("verify", ip or client_ip() or "unknown")
    if count > settings.WARKAT_VERIFY_RATE:
        raise errors.rate_limited()


def _pem_bundle(path: str) -> list[x509.Certificate]:
    with open(path, "rb") as handle:
        certs = x509.load_pem_x509_certificates(handle.read())
    if not all(_is_ca(c) for c in certs):
        raise ValueError("a trust root is not a CA certificate")
    return certs


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


#: The certificates of a PEM bundle, parsed once per process.
pem_bundle = by_file(_pem_bundle)


def bsre_trust_roots() -> list[x509.Certificate] | None:
    """The installation's BSrE trust anchors (``WARKAT_BSRE_TRUST_ROOTS``), or
    None when none are configured. A bundle that is set but cannot be read gives
    an empty list: nothing is trusted rather than everything (fail closed)."""
    path = settings.WARKAT_BSRE_TRUST_ROOTS
    if not path:
        return None
    try:
        return pem_bundle(path)
    except (OSError, ValueError) as exc:
        log.error("WARKAT_BSRE_TRUST_ROOTS cannot be used: %s", exc)
        return []


def _roots(document: SignedDocument) -> list[x509.Certificate] | None:
    if document.provider == Provider.BSRE:
        return bsre_trust_roots()
    ca = CertificateAuthority.objects.filter(tenant_id=document.tenant_id).first()
    return [pki.cached_cert(bytes(ca.root_cert_der))] if ca else []


def pdf_check(pdf: bytes, *, roots: list[Any] | None) -> list[SignatureCheck]:
    """Validate every signature of ``pdf`` with ``roots`` as trust anchors; with
    ``None``, integrity only (``trusted`` is None), while an empty list trusts
    nothing. Unreadable input gives an empty list."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        return []
    checks = []
    for sig in signatures:
        context = ValidationContext(
            trust_roots=[pki.asn1_cert(r) for r in roots or ()],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        try:
            status = validate_pdf_signature(sig, context, context)
        except Exception:
            log.info("signature %s could not be validated", sig.field_name)
            checks.append(
                SignatureCheck(sig.field_name, "", False, False, False, False)
            )
            continue
        coverage = getattr(status, "coverage", None)
        checks.append(
            SignatureCheck(
                field_name=sig.field_name,
                signer=sig.signer_cert.subject.human_friendly,
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted) if roots is not None else None,
                timestamped=status.timestamp_validity is not None,
                covers_whole_file=coverage is not None
                and coverage.name == "ENTIRE_FILE",
            )
        )
    return checks


def verification_by_code(code: str) -> Verification:
    # Public, signed-out request: the code alone identifies the document across
    # tenants (see the module docstring).
    with all_tenants():
        document = (
            SignedDocument.objects.select_related("tenant")
            .filter(verification_code=code)
            .first()
        )
        if document is None:
            raise errors.verification_not_found()
        pdf = signed_open(document)
        roots = _roots(document)
    checks = pdf_check(pdf, roots=roots)
    # The stored file must still be the file that was signed.
    if hashlib.sha256(pdf).hexdigest() != document.sha256:
        checks = [
            SignatureCheck(
                c.field_name, c.signer, False, c.trusted, c.timestamped, False
            )
            for c in checks
        ] or [SignatureCheck("", "", False, False, False, False)]
    return Verification(document=document, tenant=document.tenant, checks=checks)


@dataclass(frozen=True)
class UploadVerdict:
    """``matches``: the upload is byte for byte a document signed in Warkat (and,
    when ``expected`` was given, that one) and its signatures are valid.
    ``verdict``: what its signatures say, worst first (``signing.verdict``),
    whether or not Warkat recorded the file."""

    matches: bool
    verification: Verification | None
    sha256: str
    verdict: SignatureVerdict

    @property
    def result(self) -> str:
        return str(self.verdict.result)

    @property
    def recorded(self) -> bool:
        return self.verification is not None


def upload_check(
    *, pdf: bytes, expected: SignedDocument | None = None
) -> UploadVerdict:
    """Judge an uploaded PDF: its signatures (any file, recorded or not) and
    whether it is byte for byte a document signed in Warkat."""
    digest = hashlib.sha256(pdf).hexdigest()
    judged = worst(pdf_verdicts(pdf, bsre_roots=bsre_trust_roots()))
    document = None
    if expected is None or expected.sha256 == digest:
        # Public upload: a SHA-256 names one file, whichever tenant signed it.
        with all_tenants():
            document = (
                expected
                or SignedDocument.objects.select_related("tenant")
                .filter(sha256=digest)
                .order_by("pk")
                .first()
            )
    if document is None:
        return UploadVerdict(
            matches=False, verification=None, sha256=digest, verdict=judged
        )
    verification = Verification(
        document=document, tenant=document.tenant, checks=[], verdict=judged
    )
    return UploadVerdict(
        matches=judged.valid, verification=verification, sha256=digest,
        verdict=judged,
    )  # fmt: skip


def signed_at_local(verification: Verification) -> dt.datetime:
    return tenant_localtime(verification.tenant, verification.document.signed_at)
