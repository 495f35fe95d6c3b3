"""The built-in TSA's RFC 3161 response, assembled as DER from parts encoded once.

Building the token with asn1crypto objects (TSTInfo, signed attributes,
SignerInfo, SignedData, ContentInfo) costs about 3 ms per token, several times
the RSA signature itself, because asn1crypto builds and re-serialises every
nested value. The structure is fixed (RFC 3161 §2.4.2, RFC 5652 §5), so it is
written here directly: the constant parts (the TSA's certificates, its signer
id and signing-certificate attribute, its name, the algorithm identifiers) are
encoded once per TSA, the variable ones (imprint, serial, time, nonce, digest,
signature) per token. The result is parsed back with asn1crypto (lazily, so the
bytes stay as written) and is byte for byte what the object-built token was
(``signing/tests/test_pki.py`` checks it).
"""

from __future__ import annotations

import functools
from datetime import datetime

from asn1crypto import algos, cms, core, tsp

SEQUENCE, SET, OCTET_STRING = 0x30, 0x31, 0x04
CONTEXT_0 = 0xA0  # [0], constructed


def der(tag: int, content: bytes) -> bytes:
    """One TLV with a definite length."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


@functools.cache
def _oid(name: str) -> bytes:
    return core.ObjectIdentifier(name).dump()


@functools.cache
def attr_type(name: str) -> bytes:
    return cms.CMSAttributeType(name).dump()


@functools.cache
def digest_algorithm(md: str) -> bytes:
    return algos.DigestAlgorithm({"algorithm": md}).dump()


@functools.cache
def _rsa_pkcs1() -> bytes:
    return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}).dump()


@functools.cache
def _content_type_attr() -> bytes:
    return der(
        SEQUENCE,
        attr_type("content_type") + der(SET, cms.ContentType("tst_info").dump()),
    )


def tst_info(
    *,
    policy_oid: str,
    imprint: bytes,
    serial: int,
    when: datetime,
    nonce: bytes,
    tsa_name: bytes,
) -> bytes:
    """TSTInfo: version 1, policy, imprint, serial, time, nonce (the request's
    INTEGER, or empty), the TSA's name as ``[0] EXPLICIT GeneralName``."""
    return der(
        SEQUENCE,
        core.Integer(1).dump()
        + _oid(policy_oid)
        + imprint
        + core.Integer(serial).dump()
        + core.GeneralizedTime(when).dump()
        + nonce
        + der(CONTEXT_0, tsa_name),
    )


def signed_attributes(
    *, when: datetime, signing_cert_attr: bytes, digest: bytes
) -> bytes:
    """The attribute SET the TSA signs: content type, signing time, signing
    certificate, message digest."""
    signing_time = der(
        SEQUENCE,
        attr_type("signing_time") + der(SET, core.UTCTime(when).dump()),
    )
    message_digest = der(
        SEQUENCE,
        attr_type("message_digest") + der(SET, der(OCTET_STRING, digest)),
    )
    return set_of(_content_type_attr(), signing_time, signing_cert_attr, message_digest)


def set_of(*items: bytes) -> bytes:
    """A DER SET OF: the elements in the order of their encodings (X.690 §11.6)."""
    width = max(len(item) for item in items)
    ordered = sorted(items, key=lambda item: bytes(item).ljust(width, b"\0"))
    return der(SET, b"".join(ordered))


def token(
    *,
    md: str,
    tst_info_der: bytes,
    attrs_der: bytes,
    signature: bytes,
    sid: bytes,
    certificates: bytes,
) -> bytes:
    """The token (a ContentInfo's DER): a SignedData with the TSTInfo, the TSA's
    certificates (``certificates``: a CertificateSet's DER) and one SignerInfo;
    ``attrs_der`` is the signed SET (tagged ``[0]`` in SignerInfo)."""
    algorithm = digest_algorithm(md)
    signer_info = der(
        SEQUENCE,
        core.Integer(1).dump()
        + sid
        + algorithm
        + bytes((CONTEXT_0,)) + attrs_der[1:]
        + _rsa_pkcs1()
        + der(OCTET_STRING, signature),
    )  # fmt: skip
    encap = der(
        SEQUENCE,
        cms.ContentType("tst_info").dump()
        + der(CONTEXT_0, der(OCTET_STRING, tst_info_der)),
    )
    signed_data = der(
        SEQUENCE,
        core.Integer(3).dump()
        + der(SET, algorithm)
        + encap
        + bytes((CONTEXT_0,)) + certificates[1:]
        + der(SET, signer_info),
    )  # fmt: skip
    return der(
        SEQUENCE,
        cms.ContentType("signed_data").dump() + der(CONTEXT_0, signed_data),
    )


def response(token_der: bytes) -> tsp.TimeStampResp:
    """TimeStampResp (granted) around a token."""
    status = der(SEQUENCE, core.Integer(0).dump())
    return tsp.TimeStampResp.load(der(SEQUENCE, status + token_der))
