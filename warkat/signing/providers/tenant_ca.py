"""Signing with a key held by Warkat (the tenant CA): PAdES B-T, or B-LT when the
timestamp comes from the tenant's own TSA and its CRLs/OCSP answers are embedded.

Fast path (see bench/bench_signing.py): the key is unlocked once per request and the
key object is used directly (pyHanko's ``SimpleSigner`` re-parses the key for every
raw signature, ~40 ms for RSA under OpenSSL 3); ``bytes_reserved`` is passed so
pyHanko does not sign a dry run to size the signature; the TSA key is loaded once
per process; the stamp font is parsed once per process.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from warkat.signing import pki
from warkat.signing.providers.base import FONT_FILE, ProviderResult, SignRequest

#: Room for the CMS: signature, three certificates and a timestamp token with its
#: own chain. B-LT revocation data goes to the DSS, not here.
BYTES_RESERVED = 16384


@dataclass
class CaMaterial:
    """Everything of the tenant CA a signature needs, already loaded."""

    root: x509.Certificate
    intermediate: x509.Certificate
    timestamper: TimeStamper
    #: When set, the signature is B-LT: these are embedded in the DSS.
    crls: list[bytes] = field(default_factory=list)
    ocsps: list[bytes] = field(default_factory=list)

    @property
    def long_term(self) -> bool:
        return bool(self.crls or self.ocsps)


class UnlockedKeySigner(signers.Signer):
    """A pyHanko signer around an already-loaded key object."""

    def __init__(
        self,
        *,
        key: rsa.RSAPrivateKey,
        cert: x509.Certificate,
        chain: list[x509.Certificate],
    ) -> None:
        self._key = key
        super().__init__(
            signing_cert=pki.asn1_cert(cert),
            cert_registry=SimpleCertificateStore.from_certs(
                [pki.asn1_cert(c) for c in chain]
            ),
            prefer_pss=False,
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        digest = get_pyca_cryptography_hash(digest_algorithm)
        signature = self._key.sign(data, PKCS1v15(), digest)
        # The key was loaded without OpenSSL's consistency check; checking the
        # result against the public key (microseconds) catches a damaged key.
        self._key.public_key().verify(signature, data, PKCS1v15(), digest)
        return signature


@functools.lru_cache(maxsize=1)
def _font() -> GlyphAccumulatorFactory:
    return GlyphAccumulatorFactory(str(FONT_FILE))


def stamp_style() -> QRStampStyle:
    return QRStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(font=_font(), font_size=7, leading=9),
        border_width=0,
        innsep=2,
    )


def next_field_name(reader: PdfFileReader) -> str:
    existing = {name for name, _value, _ref in fields.enumerate_sig_fields(reader)}
    n = 1
    while f"TTE{n}" in existing:
        n += 1
    return f"TTE{n}"


def sign(
    *,
    request: SignRequest,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    material: CaMaterial,
) -> ProviderResult:
    """Sign ``request.pdf``. Raises pyHanko's ``TimestampRequestError`` when the TSA
    does not answer; the caller turns that into a domain error."""
    signer = UnlockedKeySigner(
        key=key, cert=cert, chain=[material.intermediate, material.root]
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(request.pdf), strict=False)
    field_name = next_field_name(writer.prev)
    context = None
    if material.long_term:
        context = ValidationContext(
            trust_roots=[pki.asn1_cert(material.root)],
            other_certs=[pki.asn1_cert(material.intermediate)],
            crls=[asn1_crl.CertificateList.load(c) for c in material.crls],
            ocsps=[asn1_ocsp.OCSPResponse.load(o) for o in material.ocsps],
            allow_fetching=False,
            revocation_mode="hard-fail",
        )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=request.reason or None,
        location=request.location or None,
        name=request.stamp.name,
        embed_validation_info=material.long_term,
        validation_context=context,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=material.timestamper,
        stamp_style=stamp_style(),
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=request.box.page,
            box=request.box.box,
        ),
    )
    out = io.BytesIO()
    pdf_signer.sign_pdf(
        writer,
        output=out,
        bytes_reserved=BYTES_RESERVED,
        appearance_text_params={
            "url": request.verification_url,
            "text": "\n".join(request.stamp.lines()),
        },
    )
    return ProviderResult(
        signed_pdf=out.getvalue(),
        pades_level="B-LT" if material.long_term else "B-T",
        certificate_serial=format(cert.serial_number, "x"),
    )
