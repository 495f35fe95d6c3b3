"""Signing with a key held by Warkat (the tenant CA): PAdES B-T, or B-LT when the
timestamp comes from the tenant's own TSA and its CRLs/OCSP answers are embedded.

Fast path (measured by bench/bench_signing.py): the key is unlocked once per request
and the key object is used directly (pyHanko's ``SimpleSigner`` re-parses the key
for every raw signature, ~40 ms for RSA under OpenSSL 3); the ``/Contents``
placeholder is sized from the real certificate and token sizes, so pyHanko does not
sign a dry run; the CMS is written as DER (``signing.cmsder``) with the
certificate-dependent parts encoded once per process; the built-in TSA is called
in-process, without request and response, with its key loaded once; the
stamp font is parsed and compressed once per process (``signing.stampfont``); the
PDF is parsed once for the check and the signature (``base.pdf_open``).
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import SigningCertificateV2Provider
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from warkat.signing import cmsder, pki
from warkat.signing.providers import presign
from warkat.signing.providers.base import FONT_FILE, ProviderResult, SignRequest
from warkat.signing.providers.local_revinfo import local_fetchers
from warkat.signing.stampfont import EmbeddedFontFactory
from warkat.signing.stampqr import FastQRStampStyle

#: Bytes of the CMS beyond its certificates, signer id, signing-certificate
#: attribute, signature and timestamp token: algorithm identifiers, the other
#: signed attributes (content type, digest, algorithm protection) and ASN.1
#: headers, about 400 bytes; with room to spare.
CMS_OVERHEAD = 1024
#: Room for a token of a TSA reached by URL, whose size is not known in advance
#: (typical tokens with their chain are 3-7 KB).
EXTERNAL_TOKEN_RESERVE = 12 * 1024


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


@dataclass(frozen=True)
class _CmsParts:
    """DER of the parts of a signer's CMS that only depend on its certificates.

    asn1crypto re-serialises a parsed value every time it is placed into a new
    structure (several milliseconds for three certificates and their names);
    loading these from DER for each signature keeps them as opaque bytes."""

    sid: bytes
    certificates: bytes
    signing_certificate_v2: bytes
    #: The whole signed attribute (type and value) of ``signing_certificate_v2``.
    signing_certificate_v2_attr: bytes


# One entry per signer certificate in use (about 4 KB each).
@functools.lru_cache(maxsize=1024)
def _cms_parts(cert_der: bytes, chain_der: tuple[bytes, ...]) -> _CmsParts:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.general import as_signing_certificate_v2

    cert = asn1_x509.Certificate.load(cert_der)
    chain = [asn1_x509.Certificate.load(der) for der in chain_der]
    signing_certificate_v2 = as_signing_certificate_v2(cert).dump()
    return _CmsParts(
        sid=cms.SignerIdentifier(
            {
                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {"issuer": cert.issuer, "serial_number": cert.serial_number}
                )
            }
        ).dump(),
        # pyHanko's default (``embed_roots=True``): signer, issuing CA and root.
        certificates=cms.CertificateSet([cert, *chain]).dump(),
        signing_certificate_v2=signing_certificate_v2,
        signing_certificate_v2_attr=cmsder.attribute(
            "signing_certificate_v2", signing_certificate_v2
        ),
    )


# One entry per CA chain (registering a certificate hashes its names).
@functools.lru_cache(maxsize=256)
def _registry(chain: tuple[x509.Certificate, ...]) -> SimpleCertificateStore:
    return SimpleCertificateStore.from_certs([pki.asn1_cert(c) for c in chain])


class _SigningCertificateV2(SigningCertificateV2Provider):
    """pyHanko's signing-certificate-v2 attribute, from the cached DER."""

    def __init__(self, der: bytes) -> None:
        self._der = der

    async def build_attr_value(self, dry_run: bool = False) -> Any:
        from asn1crypto import tsp

        return tsp.SigningCertificateV2.load(self._der)


class UnlockedKeySigner(signers.Signer):
    """A pyHanko signer around an already-loaded key object, with the
    certificate-dependent parts of the CMS encoded once per process."""

    def __init__(
        self,
        *,
        key: rsa.RSAPrivateKey,
        cert: x509.Certificate,
        chain: list[x509.Certificate],
    ) -> None:
        self._key = key
        cert_der = cert.public_bytes(serialization.Encoding.DER)
        chain_der = tuple(c.public_bytes(serialization.Encoding.DER) for c in chain)
        self._parts = _cms_parts(cert_der, chain_der)
        super().__init__(
            signing_cert=pki.asn1_cert(cert),
            cert_registry=_registry(tuple(chain)),
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

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run: bool = False,
        use_pades: bool = False,
        timestamper: TimeStamper | None = None,
        signed_attr_settings: PdfCMSSignedAttributes | None = None,
        is_pdf_sig: bool = True,
        encap_content_info: Any = None,
    ) -> Any:
        """pyHanko's ``Signer.async_sign``; a PAdES signature (the only kind
        Warkat makes) is assembled as DER by ``signing.cmsder``, with the
        built-in TSA's token made in-process without a request and response."""
        md = digest_algorithm.lower()
        settings = signed_attr_settings or PdfCMSSignedAttributes()
        if (
            dry_run
            or not (use_pades and is_pdf_sig)
            or encap_content_info is not None
            or settings.cades_signed_attrs is not None
            or md != "sha256"
        ):
            return await super().async_sign(
                data_digest, digest_algorithm, dry_run=dry_run,
                use_pades=use_pades, timestamper=timestamper,
                signed_attr_settings=signed_attr_settings, is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info,
            )  # fmt: skip
        attrs = cmsder.signed_attributes(
            digest=data_digest,
            signing_certificate_v2=self._parts.signing_certificate_v2_attr,
        )
        signature = await self.async_sign_raw(attrs, md)
        token = None
        if timestamper is not None:
            imprint = hashlib.new(md, signature).digest()
            if isinstance(timestamper, pki.TenantTimeStamper):
                token = timestamper.timestamp_der(imprint, md)
            else:
                token = (await timestamper.async_timestamp(imprint, md)).dump()
        return cms.ContentInfo.load(
            cmsder.content_info(
                md=md,
                signature_algorithm=self.get_signature_mechanism_for_digest(md).dump(),
                sid=self._parts.sid,
                certificates=self._parts.certificates,
                signed_attrs=attrs,
                signature=signature,
                token=token,
            )
        )

    def bytes_reserved(self, timestamper: TimeStamper | None) -> int:
        """The ``/Contents`` placeholder (hex digits) for this signer's CMS with a
        token from ``timestamper``: computed from the real sizes, so pyHanko
        need not sign a dry run, and never too small for long names."""
        if timestamper is None:
            token = 0
        elif isinstance(timestamper, pki.TenantTimeStamper):
            token = timestamper.token_size_bound()
        else:
            token = EXTERNAL_TOKEN_RESERVE
        size = (
            len(self._parts.certificates)
            + len(self._parts.sid)
            + len(self._parts.signing_certificate_v2)
            + self._key.key_size // 8
            + token
            + CMS_OVERHEAD
        )
        return 2 * size

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Any:
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if isinstance(provider, SigningCertificateV2Provider):
                yield _SigningCertificateV2(self._parts.signing_certificate_v2)
            else:
                yield provider

    def signer_info(
        self, digest_algorithm: str, signed_attrs: Any, signature: bytes
    ) -> Any:
        from asn1crypto import algos

        return cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier.load(self._parts.sid),
                "digest_algorithm": algos.DigestAlgorithm(
                    {"algorithm": digest_algorithm}
                ),
                "signature_algorithm": self.get_signature_mechanism_for_digest(
                    digest_algorithm
                ),
                "signed_attrs": signed_attrs,
                "signature": signature,
            }
        )

    def _package_signature(
        self,
        *,
        digest_algorithm: str,
        cms_version: Any,
        signed_attrs: Any,
        signature: bytes,
        unsigned_attrs: Any,
        encap_content_info: Any,
    ) -> Any:
        # pyHanko's own assembly (this signer has no attribute certificates),
        # with the certificate set loaded from DER.
        sig_info = self.signer_info(digest_algorithm, signed_attrs, signature)
        if unsigned_attrs is not None:
            sig_info["unsigned_attrs"] = unsigned_attrs
        return cms.ContentInfo(
            {
                "content_type": cms.ContentType("signed_data"),
                "content": cms.SignedData(
                    {
                        "version": cms_version,
                        "digest_algorithms": cms.DigestAlgorithms(
                            (sig_info["digest_algorithm"],)
                        ),
                        "encap_content_info": encap_content_info
                        or {"content_type": "data"},
                        "certificates": cms.CertificateSet.load(
                            self._parts.certificates
                        ),
                        "signer_infos": [sig_info],
                    }
                ),
            }
        )


def stamp_style() -> QRStampStyle:
    return FastQRStampStyle(
        stamp_text="%(text)s",
        text_box_style=TextBoxStyle(
            font=EmbeddedFontFactory(str(FONT_FILE)), font_size=7, leading=9
        ),
        border_width=0,
        innsep=2,
    )


def next_field_name(reader: PdfFileReader) -> str:
    existing = {name for name, _value, _ref in fields.enumerate_sig_fields(reader)}
    n = 1
    while f"TTE{n}" in existing:
        n += 1
    return f"TTE{n}"


def _material_key(cert: x509.Certificate, material: CaMaterial) -> tuple[bytes, ...]:
    """What the presign validation of a B-LT signature depends on."""
    der = serialization.Encoding.DER
    tsa = getattr(material.timestamper, "tsa_cert", None)
    return (
        cert.public_bytes(der),
        material.intermediate.public_bytes(der),
        material.root.public_bytes(der),
        tsa.dump() if tsa is not None else b"",
        b"crl",
        *material.crls,
        b"ocsp",
        *material.ocsps,
    )


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
    writer = IncrementalPdfFileWriter.from_reader(request.reader)
    field_name = next_field_name(writer.prev)
    context = None
    if material.long_term:
        # The CRLs reach the validator through local fetchers: pyHanko collects
        # what it embeds by fetching (and warns when it may not), and the tenant
        # CA's own CRLs are all there is to fetch.
        context = ValidationContext(
            trust_roots=[pki.asn1_cert(material.root)],
            other_certs=[pki.asn1_cert(material.intermediate)],
            ocsps=[asn1_ocsp.OCSPResponse.load(o) for o in material.ocsps],
            allow_fetching=True,
            fetchers=local_fetchers(
                [asn1_crl.CertificateList.load(c) for c in material.crls]
            ),
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
        dss_settings=presign.DSS_WITH_SIGNATURE,
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
    presign.sign_pdf(
        pdf_signer,
        writer,
        output=out,
        bytes_reserved=signer.bytes_reserved(material.timestamper),
        text_params={
            "url": request.verification_url,
            "text": "\n".join(request.stamp.lines()),
        },
        material_key=_material_key(cert, material) if material.long_term else None,
    )
    return ProviderResult(
        signed_pdf=out.getvalue(),
        pades_level="B-LT" if material.long_term else "B-T",
        certificate_serial=format(cert.serial_number, "x"),
    )
