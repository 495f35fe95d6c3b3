"""A PAdES signature's CMS (``SignedData``), assembled as DER from parts encoded once.

pyHanko builds the CMS of a signature as asn1crypto objects: the signed
attributes through its attribute providers, the SignerInfo, the SignedData and
the ContentInfo, each re-serialised when placed in the next; then it asks the
timestamper for a token through an RFC 3161 request and response, parses that,
and serialises the whole again (about a fifth of a B-T signature, several times
the RSA signature). For a PAdES signature the structure is fixed (ETSI EN
319 142-1 §5.1, RFC 5652 §5): the signed attributes are the content type, the
message digest and the signing-certificate-v2 attribute (no signing time: PAdES
forbids it), the only unsigned attribute is the signature's timestamp token. The
parts that depend only on the signer (its certificates, signer id,
signing-certificate attribute, algorithm identifiers) are encoded once per
signer; the document digest, the signature and the token per signature.

``signing/tests/test_cmsder.py`` checks that the result is byte for byte what
pyHanko's own assembly gives for the same digest, signature and token.
"""

from __future__ import annotations

import functools

from asn1crypto import cms

from warkat.signing.tsatoken import (
    CONTEXT_0,
    OCTET_STRING,
    SEQUENCE,
    SET,
    attr_type,
    der,
    digest_algorithm,
    set_of,
)

CONTEXT_1 = 0xA1  # [1], constructed


@functools.cache
def _content_type_data_attr() -> bytes:
    return der(
        SEQUENCE, attr_type("content_type") + der(SET, cms.ContentType("data").dump())
    )


@functools.cache
def _encap_data() -> bytes:
    return der(SEQUENCE, cms.ContentType("data").dump())


@functools.cache
def _signed_data_type() -> bytes:
    return cms.ContentType("signed_data").dump()


def attribute(name: str, value_der: bytes) -> bytes:
    """One CMS attribute with a single value: ``SEQUENCE {type, SET {value}}``."""
    return der(SEQUENCE, attr_type(name) + der(SET, value_der))


def signed_attributes(*, digest: bytes, signing_certificate_v2: bytes) -> bytes:
    """The SET a PAdES signer signs: content type ``data``, the message digest
    and ``signing_certificate_v2`` (an attribute's DER, see ``attribute``)."""
    message_digest = attribute("message_digest", der(OCTET_STRING, digest))
    return set_of(_content_type_data_attr(), message_digest, signing_certificate_v2)


def content_info(
    *,
    md: str,
    signature_algorithm: bytes,
    sid: bytes,
    certificates: bytes,
    signed_attrs: bytes,
    signature: bytes,
    token: bytes | None,
) -> bytes:
    """ContentInfo around a detached SignedData (version 1) with one SignerInfo.

    ``certificates`` is a CertificateSet's DER, ``signed_attrs`` the signed SET
    (both tagged implicitly in their places), ``token`` the timestamp token's
    DER (a ContentInfo) or None for none."""
    algorithm = digest_algorithm(md)
    unsigned = b""
    if token is not None:
        unsigned = der(CONTEXT_1, attribute("signature_time_stamp_token", token))
    signer_info = der(
        SEQUENCE,
        b"\x02\x01\x01"  # version 1: the sid is issuer and serial number
        + sid
        + algorithm
        + bytes((CONTEXT_0,)) + signed_attrs[1:]
        + signature_algorithm
        + der(OCTET_STRING, signature)
        + unsigned,
    )  # fmt: skip
    signed_data = der(
        SEQUENCE,
        b"\x02\x01\x01"  # version 1: data content, certificates only
        + der(SET, algorithm)
        + _encap_data()
        + bytes((CONTEXT_0,)) + certificates[1:]
        + der(SET, signer_info),
    )  # fmt: skip
    return der(SEQUENCE, _signed_data_type() + der(CONTEXT_0, signed_data))
