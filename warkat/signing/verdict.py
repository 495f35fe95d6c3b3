"""What a signed PDF's signatures say, as one clear result for the public page.

Each embedded signature is judged at the moment its timestamp proves (the
token's ``genTime``), not today: a letter signed while its signer's certificate
was valid stays valid after the certificate expires or is revoked (an official
moved to another post), and the page says so. The signer's certificate is
looked up among the certificates Warkat issued (any tenant: the public has
none), whose rows are authoritative for revocation; a certificate Warkat did not
issue is trusted only under the installation's BSrE roots.

Results, worst first: ``altered`` (a signed byte changed, or content was added
after signing), ``unknown_signer`` (no CA Warkat trusts issued the certificate),
``revoked`` / ``expired`` (signed when the certificate was already revoked or
outside its validity), ``unconfirmed`` (no trusted timestamp, or the chain does
not validate), ``valid``. ``not_signed``: no signature at all, or no PDF.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import io
import logging
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.signing import pki
from warkat.signing.models import CertificateAuthority, SignerCertificate
from warkat.tenancy.scope import all_tenants

log = logging.getLogger(__name__)


class Result(enum.StrEnum):
    VALID = "valid"
    ALTERED = "altered"
    UNKNOWN_SIGNER = "unknown_signer"
    REVOKED = "revoked"
    EXPIRED = "expired"
    UNCONFIRMED = "unconfirmed"
    NOT_SIGNED = "not_signed"


#: Worst first: the document's result is its worst signature's.
SEVERITY = [
    Result.NOT_SIGNED,
    Result.ALTERED,
    Result.UNKNOWN_SIGNER,
    Result.REVOKED,
    Result.EXPIRED,
    Result.UNCONFIRMED,
    Result.VALID,
]

MESSAGES = {
    Result.VALID: _(
        "Valid: the signature is intact, made with a certificate Warkat trusts, "
        "and timestamped while the certificate was valid."
    ),
    Result.ALTERED: _(
        "Altered: the document was changed after it was signed. Do not rely on it."
    ),
    Result.UNKNOWN_SIGNER: _(
        "Unknown signer: the certificate was not issued by a certificate "
        "authority Warkat trusts."
    ),
    Result.REVOKED: _(
        "Not valid: the signer's certificate had been revoked when this "
        "document was signed."
    ),
    Result.EXPIRED: _(
        "Not valid: the signer's certificate was not valid (expired or not yet "
        "valid) when this document was signed."
    ),
    Result.UNCONFIRMED: _(
        "Not confirmed: the signature has no trusted timestamp or its "
        "certificate chain could not be validated."
    ),
    Result.NOT_SIGNED: _("This file carries no electronic signature."),
}


@dataclass(frozen=True)
class SignatureVerdict:
    result: Result
    signer: str = ""
    #: The moment the timestamp proves.
    signed_at: dt.datetime | None = None
    certificate: SignerCertificate | None = None
    #: Since signing: the certificate expired / was revoked (the signature stays
    #: valid).
    expired_since: dt.datetime | None = None
    revoked_since: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        return self.result == Result.VALID

    @property
    def message(self) -> Any:
        return MESSAGES[self.result]


def _timestamp(sig: Any) -> tuple[bool, dt.datetime | None]:
    """Whether the signature carries a timestamp token at all (unreadable unsigned
    attributes count as one: something was changed), and the token's ``genTime``
    when it can be read (pyHanko checks the token itself)."""
    try:
        attrs = sig.signer_info["unsigned_attrs"]
        tokens = [
            a
            for a in (attrs if attrs.native is not None else ())
            if a["type"].native == "signature_time_stamp_token"
        ]
    except Exception:
        log.info("unreadable unsigned attributes in %s", sig.field_name)
        return True, None
    if not tokens:
        return False, None
    try:
        content = tokens[0]["values"][0]["content"]["encap_content_info"]
        when: dt.datetime = content["content"].parsed["gen_time"].native
        return True, when
    except Exception:
        log.info("unreadable timestamp token in %s", sig.field_name)
        return True, None


def _issued(
    cert: Any, bsre_roots: list[Any] | None
) -> tuple[SignerCertificate | None, list[Any] | None]:
    """The Warkat certificate row of ``cert`` and the trust roots to validate it
    with (its tenant CA's root; the BSrE roots for any other certificate)."""
    serial = format(cert.serial_number, "x")
    # Public verification: a certificate is found by its serial and its exact
    # DER, whichever tenant issued it (see ``signing.verification``).
    with all_tenants():
        row = next(
            (
                r
                for r in SignerCertificate.objects.filter(serial=serial).only(
                    "tenant_id", "cert_der", "revoked_at"
                )
                if r.cert_der and bytes(r.cert_der) == cert.dump()
            ),
            None,
        )
        if row is not None:
            ca = CertificateAuthority.objects.filter(tenant_id=row.tenant_id).first()
            roots = [pki.cached_cert(bytes(ca.root_cert_der))] if ca else []
            return row, roots
    return None, bsre_roots


def _judge(sig: Any, bsre_roots: list[Any] | None) -> SignatureVerdict:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        cert = sig.signer_cert
        signer = cert.subject.human_friendly
    except Exception:
        # A signature whose CMS no longer names its signer was changed.
        log.info("unreadable signer in %s", sig.field_name)
        return SignatureVerdict(Result.ALTERED)
    row, roots = _issued(cert, bsre_roots)
    has_timestamp, signed_at = _timestamp(sig)

    def context(moment: dt.datetime | None) -> Any:
        return ValidationContext(
            trust_roots=[pki.asn1_cert(r) for r in roots or ()],
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment,
        )

    try:
        # The signer's chain as of the signing moment; the timestamp's as of now.
        status = validate_pdf_signature(sig, context(signed_at), context(None))
    except Exception:
        log.info("signature %s could not be validated", sig.field_name)
        return SignatureVerdict(Result.ALTERED, signer)
    verdict = functools.partial(
        SignatureVerdict, signer=signer, signed_at=signed_at, certificate=row
    )
    if not (status.intact and status.valid) or not _covers_document(status):
        return verdict(Result.ALTERED)
    if row is None and not status.trusted:
        return verdict(Result.UNKNOWN_SIGNER)
    stamp = status.timestamp_validity
    if has_timestamp and (
        signed_at is None or stamp is None or not (stamp.intact and stamp.valid)
    ):
        return verdict(Result.ALTERED)  # a timestamp was there and was changed
    if signed_at is None or stamp is None or not stamp.trusted:
        return verdict(Result.UNCONFIRMED)
    not_before, not_after = cert.not_valid_before, cert.not_valid_after
    if row is not None and row.revoked_at is not None and row.revoked_at <= signed_at:
        return verdict(Result.REVOKED)
    if not (not_before <= signed_at <= not_after):
        return verdict(Result.EXPIRED)
    if not status.trusted:
        return verdict(Result.UNCONFIRMED)
    now = dt.datetime.now(dt.UTC)
    return verdict(
        Result.VALID,
        expired_since=not_after if not_after < now else None,
        revoked_since=row.revoked_at if row is not None else None,
    )


def _covers_document(status: Any) -> bool:
    """The signature covers the whole file, or only validation data (DSS, a
    document timestamp) was added after it."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    coverage = getattr(status, "coverage", None)
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    level = getattr(status, "modification_level", None)
    return (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level <= ModificationLevel.LTA_UPDATES
    )


def pdf_verdicts(pdf: bytes, *, bsre_roots: list[Any] | None) -> list[SignatureVerdict]:
    """A verdict per embedded signature; ``[not_signed]`` for none or no PDF.
    ``bsre_roots``: the trust anchors of certificates Warkat did not issue."""
    signatures, broken = _embedded(pdf)
    verdicts = [_judge(s, bsre_roots) for s in signatures]
    verdicts += [SignatureVerdict(Result.ALTERED)] * broken
    return verdicts or [SignatureVerdict(Result.NOT_SIGNED)]


def _embedded(pdf: bytes) -> tuple[list[Any], int]:
    """The file's signatures that can be read, in signing order, and the number
    of signed fields whose signature (the CMS blob) cannot be read at all: such a
    field was signed and then changed, so it counts as altered, not as absent.
    Fields of a signature format pyHanko does not know are left out, as pyHanko
    does."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import SigSeedSubFilter, enumerate_sig_fields
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    known = {f.value for f in SigSeedSubFilter}
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception:
        return [], 0
    readable: list[Any] = []
    broken = 0
    for name, value, sig_field in fields:
        try:
            if value.get_object().get("/SubFilter") not in known:
                continue
            signature = EmbeddedPdfSignature(reader, sig_field, name)
            signature.signed_revision  # noqa: B018 (reads the byte range)
            readable.append(signature)
        except Exception:
            log.info("unreadable signature in field %s", name)
            broken += 1
    return sorted(readable, key=lambda s: s.signed_revision), broken


def worst(verdicts: list[SignatureVerdict]) -> SignatureVerdict:
    return min(verdicts, key=lambda v: SEVERITY.index(v.result))
