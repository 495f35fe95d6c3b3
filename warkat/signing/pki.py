"""X.509 building blocks of the tenant CA: certificates, CRLs, OCSP and RFC 3161 tokens.

Pure cryptography (no database): the services in ``signing.services`` decide what to
issue and store the results. Loaded CA key objects are cached per process, keyed by
the wrapped blob, because loading an RSA key costs more than using it.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from warkat.signing import keystore, tsatoken

ROOT_YEARS = 20
INTERMEDIATE_YEARS = 10
TSA_YEARS = 10
CRL_DAYS = 7
ROOT_CRL_DAYS = 90
OCSP_HOURS = 24
# Backdate notBefore a little so a host whose clock lags still accepts new certs.
CLOCK_SKEW = dt.timedelta(minutes=5)

REASON_FLAGS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
}


@dataclass(frozen=True)
class PkiUrls:
    """Where the tenant's CRLs, OCSP responder and CA certificates are published."""

    crl: str
    root_crl: str
    ocsp: str
    ca_issuer: str
    root_issuer: str


@dataclass(frozen=True)
class SignerSubject:
    name: str
    nip: str
    position: str
    organisation: str


def now() -> datetime:
    return datetime.now(dt.UTC)


def _name(cn: str, organisation: str, **extra: str) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, cn[:64]),
    ]
    if extra.get("title"):
        attrs.append(x509.NameAttribute(NameOID.TITLE, extra["title"][:64]))
    if extra.get("serial"):
        # X.520 serialNumber carries the NIP: how a verifier identifies the ASN.
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, extra["serial"]))
    return x509.Name(attrs)


def _builder(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    public_key: rsa.RSAPublicKey,
    issuer_public_key: rsa.RSAPublicKey,
    not_after: datetime,
) -> x509.CertificateBuilder:
    start = now() - CLOCK_SKEW
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key),
            critical=False,
        )
    )


def _revocation_pointers(
    builder: x509.CertificateBuilder, *, crl: str, ocsp_url: str | None, issuer: str
) -> x509.CertificateBuilder:
    access = [
        x509.AccessDescription(
            x509.AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(issuer),
        )
    ]
    if ocsp_url:
        access.insert(
            0,
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier(ocsp_url),
            ),
        )
    return builder.add_extension(
        x509.CRLDistributionPoints(
            [
                x509.DistributionPoint(
                    full_name=[x509.UniformResourceIdentifier(crl)],
                    relative_name=None,
                    reasons=None,
                    crl_issuer=None,
                )
            ]
        ),
        critical=False,
    ).add_extension(x509.AuthorityInformationAccess(access), critical=False)


def _end_entity(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    public_key: rsa.RSAPublicKey,
    issuer_key: rsa.RSAPrivateKey,
    not_after: datetime,
    urls: PkiUrls,
) -> x509.CertificateBuilder:
    """A signing (non-CA) certificate of the issuing CA: signers and the TSA."""
    return (
        _revocation_pointers(
            _builder(
                subject=subject,
                issuer=issuer,
                public_key=public_key,
                issuer_public_key=issuer_key.public_key(),
                not_after=not_after,
            ),
            crl=urls.crl,
            ocsp_url=urls.ocsp,
            issuer=urls.ca_issuer,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(
            _key_usage(digital_signature=True, content_commitment=True), critical=True
        )
    )


def _key_usage(**flags: bool) -> x509.KeyUsage:
    names = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{n: flags.get(n, False) for n in names})


@dataclass(frozen=True)
class IssuedCa:
    root_cert: x509.Certificate
    root_key: rsa.RSAPrivateKey
    intermediate_cert: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey
    tsa_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey


def ca_build(*, organisation: str, urls: PkiUrls) -> IssuedCa:
    """A root, an issuing CA under it and a TSA certificate from the issuing CA."""
    root_key = keystore.rsa_generate()
    root_name = _name(f"{organisation} Root CA", organisation)
    root_cert = (
        _builder(
            subject=root_name,
            issuer=root_name,
            public_key=root_key.public_key(),
            issuer_public_key=root_key.public_key(),
            not_after=now() + dt.timedelta(days=365 * ROOT_YEARS),
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    int_key = keystore.rsa_generate()
    int_name = _name(f"{organisation} Signing CA", organisation)
    int_cert = (
        _revocation_pointers(
            _builder(
                subject=int_name,
                issuer=root_name,
                public_key=int_key.public_key(),
                issuer_public_key=root_key.public_key(),
                not_after=now() + dt.timedelta(days=365 * INTERMEDIATE_YEARS),
            ),
            crl=urls.root_crl,
            ocsp_url=None,
            issuer=urls.root_issuer,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            _key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True),
            critical=True,
        )
        .sign(root_key, hashes.SHA256())
    )
    tsa_key = keystore.rsa_generate()
    tsa_cert = (
        _end_entity(
            subject=_name(f"{organisation} Time Stamping", organisation),
            issuer=int_name,
            public_key=tsa_key.public_key(),
            issuer_key=int_key,
            not_after=now() + dt.timedelta(days=365 * TSA_YEARS),
            urls=urls,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .sign(int_key, hashes.SHA256())
    )
    return IssuedCa(root_cert, root_key, int_cert, int_key, tsa_cert, tsa_key)


def signer_cert_build(
    *,
    subject: SignerSubject,
    public_key_der: bytes,
    issuer_cert: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    days: int,
    urls: PkiUrls,
) -> x509.Certificate:
    public_key = serialization.load_der_public_key(bytes(public_key_der))
    assert isinstance(public_key, rsa.RSAPublicKey)
    not_after = min(now() + dt.timedelta(days=days), issuer_cert.not_valid_after_utc)
    return _end_entity(
        subject=_name(
            subject.name,
            subject.organisation,
            title=subject.position,
            serial=subject.nip,
        ),
        issuer=issuer_cert.subject,
        public_key=public_key,
        issuer_key=issuer_key,
        not_after=not_after,
        urls=urls,
    ).sign(issuer_key, hashes.SHA256())


@dataclass(frozen=True)
class Revoked:
    serial: int
    revoked_at: datetime
    reason: str


def crl_build(
    *,
    issuer_cert: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    revoked: list[Revoked],
    number: int,
    days: int,
) -> bytes:
    issued = now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(issued - CLOCK_SKEW)
        .next_update(issued + dt.timedelta(days=days))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    for item in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(item.serial)
            .revocation_date(item.revoked_at)
        )
        flag = REASON_FLAGS.get(item.reason)
        if flag is not None and flag is not x509.ReasonFlags.unspecified:
            entry = entry.add_extension(x509.CRLReason(flag), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    crl = builder.sign(issuer_key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class OcspStatus:
    """What the responder knows about a serial: ``cert`` is None when unknown."""

    cert: x509.Certificate | None
    revoked_at: datetime | None = None
    reason: str = ""


def ocsp_respond(
    *,
    request_der: bytes,
    issuer_cert: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    lookup: object,
) -> bytes:
    """Answer an OCSP request. ``lookup(serial) -> OcspStatus``."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
    except ValueError:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST
        ).public_bytes(serialization.Encoding.DER)
    issuer_key_hash = _key_hash(issuer_cert, request.hash_algorithm)
    if request.issuer_key_hash != issuer_key_hash:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.UNAUTHORIZED
        ).public_bytes(serialization.Encoding.DER)
    status: OcspStatus = lookup(request.serial_number)  # type: ignore[operator]
    produced = now()
    builder = ocsp.OCSPResponseBuilder()
    next_update = produced + dt.timedelta(hours=OCSP_HOURS)
    if status.cert is None:
        builder = builder.add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.UNKNOWN,
            this_update=produced,
            next_update=next_update,
            revocation_time=None,
            revocation_reason=None,
        )
    else:
        revoked = status.revoked_at is not None
        builder = builder.add_response(
            cert=status.cert,
            issuer=issuer_cert,
            algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.REVOKED
            if revoked
            else ocsp.OCSPCertStatus.GOOD,
            this_update=produced,
            next_update=next_update,
            revocation_time=status.revoked_at,
            revocation_reason=REASON_FLAGS.get(status.reason) if revoked else None,
        )
    for ext in request.extensions:
        if isinstance(ext.value, x509.OCSPNonce):
            builder = builder.add_extension(ext.value, critical=False)
    response = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, issuer_cert).sign(
        issuer_key, hashes.SHA256()
    )
    return response.public_bytes(serialization.Encoding.DER)


def ocsp_request_build(
    *, cert: x509.Certificate, issuer_cert: x509.Certificate
) -> bytes:
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer_cert, hashes.SHA1())
        .build()
    )
    return request.public_bytes(serialization.Encoding.DER)


def _key_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    spki = asn1_x509.Certificate.load(
        cert.public_bytes(serialization.Encoding.DER)
    ).public_key
    digest = hashes.Hash(algorithm)
    digest.update(spki["public_key"].contents[1:])
    return digest.finalize()


# --- keys and certificates as pyHanko wants them ---------------------------------


# Three keys per tenant CA (root, issuing CA, TSA).
@functools.lru_cache(maxsize=256)
def cached_ca_key(blob: bytes, label: str) -> rsa.RSAPrivateKey:
    """A CA or TSA key, unwrapped once per process (not a signer's key: those are
    unlocked per request with the passphrase)."""
    return keystore.key_unwrap_plain(blob, label=label)


@functools.lru_cache(maxsize=256)
def cached_cert(der: bytes) -> x509.Certificate:
    return x509.load_der_x509_certificate(der)


# One entry per certificate in use. asn1crypto parses lazily and keeps what it
# parsed (names, their hashes, the serial): a shared, already parsed object saves
# each signature that work (about a tenth of a B-T signature). Nothing mutates it.
@functools.lru_cache(maxsize=1024)
def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


#: The built-in TSA's policy (RFC 3161 ``TSTInfo.policy``): an OID of the UUID arc
#: 2.25 (ITU-T X.667), which needs no registration. pyHanko's test timestamper
#: would otherwise claim a commercial TSA's policy.
TSA_POLICY_OID = "2.25.305889576339414846113303105436265951381"
#: Bytes of a token beyond its certificates, names and signature (see
#: ``TenantTimeStamper.token_size_bound``), with room to spare.
TOKEN_OVERHEAD = 1024


class TenantTimeStamper(DummyTimeStamper):
    """The built-in RFC 3161 TSA, called in-process when signing (no HTTP) and
    served over HTTP for others. pyHanko's ``DummyTimeStamper`` builds correct
    tokens but reloads its key and re-encodes the same certificates for every
    token; this one keeps the key object and the DER of every constant part."""

    def __init__(
        self,
        *,
        tsa_cert: x509.Certificate,
        tsa_key: rsa.RSAPrivateKey,
        chain: list[x509.Certificate],
    ) -> None:
        from asn1crypto import cms
        from pyhanko.sign import general
        from pyhanko.sign.general import simple_cms_attribute

        super().__init__(
            tsa_cert=asn1_cert(tsa_cert),
            # Signing goes through ``self._key``: the parent never sees the key.
            tsa_key=None,  # type: ignore[arg-type]
            certs_to_embed=[asn1_cert(c) for c in chain],  # type: ignore[arg-type]
        )
        self._key = tsa_key
        # asn1crypto re-serialises a parsed value each time it is put into a new
        # structure (milliseconds for a certificate or a name); loading these
        # constant parts from DER per token keeps them as opaque bytes.
        self._signing_cert_attr_der = simple_cms_attribute(
            "signing_certificate", general.as_signing_certificate(self.tsa_cert)
        ).dump()
        self._sid_der = cms.SignerIdentifier(
            {
                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {
                        "issuer": self.tsa_cert.issuer,
                        "serial_number": self.tsa_cert.serial_number,
                    }
                )
            }
        ).dump()
        self._certificates_der = cms.CertificateSet(
            [self.tsa_cert, *self.certs_to_embed]
        ).dump()
        self._tsa_name_der = asn1_x509.GeneralName(
            name="directory_name", value=self.tsa_cert.subject
        ).dump()

    def token_size_bound(self) -> int:
        """An upper bound of a token's DER size, to reserve room in a PDF."""
        return (
            len(self._certificates_der)
            + len(self._sid_der)
            + len(self._signing_cert_attr_der)
            + len(self._tsa_name_der)
            + self._key.key_size // 8
            # TSTInfo (policy, imprint up to SHA-512, serial, time, nonce), the
            # other signed attributes and the ASN.1 headers: about 450 bytes.
            + TOKEN_OVERHEAD
        )

    def request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        """The token for ``req``, assembled from DER parts (``signing.tsatoken``)."""
        imprint = req["message_imprint"]
        md = self.override_md or imprint["hash_algorithm"]["algorithm"].native
        nonce = req["nonce"]
        return tsatoken.response(
            self.token_der(
                imprint=imprint.dump(),
                md=md,
                nonce=nonce.dump() if nonce.native is not None else b"",
            )
        )

    def timestamp_der(self, digest: bytes, md: str) -> bytes:
        """The token for a ``md`` digest, called in-process while signing (no
        request and response around it: there is no network to guard
        against, so no nonce either)."""
        imprint = tsatoken.der(
            tsatoken.SEQUENCE,
            tsatoken.digest_algorithm(md) + tsatoken.der(tsatoken.OCTET_STRING, digest),
        )
        return self.token_der(imprint=imprint, md=self.override_md or md, nonce=b"")

    def token_der(self, *, imprint: bytes, md: str, nonce: bytes) -> bytes:
        """The token's DER for a MessageImprint's DER, signed with ``md``;
        ``nonce``: the request's INTEGER, or empty."""
        from pyhanko.sign.timestamps.common_utils import get_nonce

        when = self.fixed_dt or datetime.now(tz=dt.UTC)
        info = tsatoken.tst_info(
            policy_oid=TSA_POLICY_OID, imprint=imprint, serial=get_nonce(),
            when=when, nonce=nonce, tsa_name=self._tsa_name_der,
        )  # fmt: skip
        digest = hashes.Hash(get_pyca_cryptography_hash(md))
        digest.update(info)
        attrs = tsatoken.signed_attributes(
            when=when,
            signing_cert_attr=self._signing_cert_attr_der,
            digest=digest.finalize(),
        )
        signature = self._key.sign(
            attrs, PKCS1v15(), get_pyca_cryptography_hash(md.upper())
        )
        return tsatoken.token(
            md=md, tst_info_der=info, attrs_der=attrs, signature=signature,
            sid=self._sid_der, certificates=self._certificates_der,
        )  # fmt: skip

    def respond_der(self, request_der: bytes) -> bytes:
        """Answer an RFC 3161 request received over HTTP."""
        try:
            request = tsp.TimeStampReq.load(request_der)
            request.native  # noqa: B018 - parse everything now, fail here if malformed
        except Exception:
            status = tsp.PKIStatusInfo(
                {
                    "status": "rejection",
                    "fail_info": tsp.PKIFailureInfo({"bad_data_format"}),
                }
            ).dump()
            # TimeStampResp without a token: asn1crypto insists on the token
            # field, so the SEQUENCE is written by hand (short form length).
            return b"\x30" + bytes([len(status)]) + status
        return self.request_tsa_response(request).dump()
