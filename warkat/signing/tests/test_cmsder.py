"""The signature's CMS written as DER (``signing.cmsder``) against pyHanko's own
object-built assembly, and the in-process timestamp token against the one
answered to an RFC 3161 request."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from typing import Any
from unittest import mock

from asn1crypto import cms, tsp
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from warkat.signing import pki
from warkat.signing.providers import tenant_ca
from warkat.signing.tests.factories import ca_with_signer

URLS = pki.PkiUrls(*(f"https://warkat.example/pki/x/{n}" for n in range(5)))
NONCE = "pyhanko.sign.timestamps.common_utils.get_nonce"


def _signer_and_tsa() -> tuple[tenant_ca.UnlockedKeySigner, pki.TenantTimeStamper]:
    ca, key, cert = ca_with_signer("Kabupaten Keerom", URLS, 365)
    tsa = pki.TenantTimeStamper(
        tsa_cert=ca.tsa_cert, tsa_key=ca.tsa_key,
        chain=[ca.intermediate_cert, ca.root_cert],
    )  # fmt: skip
    tsa.fixed_dt = dt.datetime(2026, 11, 4, 1, 2, 3, 456789, tzinfo=dt.UTC)
    # The request path of the reference asks without a nonce, as the in-process
    # token is made.
    tsa.include_nonce = False
    signer = tenant_ca.UnlockedKeySigner(
        key=key, cert=cert, chain=[ca.intermediate_cert, ca.root_cert]
    )
    return signer, tsa


def _sign(signer: Any, digest: bytes, tsa: Any) -> bytes:
    with mock.patch(NONCE, return_value=0x0123456789ABCDEF):
        result = asyncio.run(
            signer.async_sign(
                digest,
                "sha256",
                use_pades=True,
                timestamper=tsa,
                signed_attr_settings=PdfCMSSignedAttributes(),
            )
        )
    return bytes(result.dump())


def test_assembled_cms_is_pyhankos_object_built_one() -> None:
    """Same digest, same (deterministic PKCS#1 v1.5) signature, same token: the
    DER written by hand is byte for byte pyHanko's, with and without a token."""
    signer, tsa = _signer_and_tsa()
    digest = os.urandom(32)

    class Reference(tenant_ca.UnlockedKeySigner):
        async_sign = signers.Signer.async_sign  # pyHanko's own, not the DER path

    reference = Reference.__new__(Reference)
    reference.__dict__.update(signer.__dict__)
    for timestamper in (tsa, None):
        fast = _sign(signer, digest, timestamper)
        built = _sign(reference, digest, timestamper)
        assert fast == built
    parsed = cms.ContentInfo.load(fast)["content"]
    info = parsed["signer_infos"][0]
    assert [a["type"].native for a in info["signed_attrs"]] == [
        "content_type",
        "message_digest",
        "signing_certificate_v2",
    ]
    assert info["signed_attrs"][1]["values"][0].native == digest


def test_other_signatures_take_pyhankos_path() -> None:
    """A CAdES signature outside a PDF (signing time, other attributes) is not
    what the DER path writes: it goes to pyHanko's assembly."""
    signer, _tsa = _signer_and_tsa()
    with mock.patch(
        "warkat.signing.cmsder.signed_attributes", side_effect=AssertionError
    ):
        result = asyncio.run(
            signer.async_sign(
                os.urandom(32), "sha256", use_pades=True, is_pdf_sig=False
            )
        )
    attrs = result["content"]["signer_infos"][0]["signed_attrs"]
    assert "signing_time" in [a["type"].native for a in attrs]


def test_in_process_token_is_the_requested_one() -> None:
    """``timestamp_der`` (no request) gives the token an RFC 3161 request without
    a nonce gets, and it stamps the given digest."""
    _signer, tsa = _signer_and_tsa()
    digest = os.urandom(32)
    with mock.patch(NONCE, return_value=42):
        direct = tsa.timestamp_der(digest, "sha256")
        _nonce, request = tsa.request_cms(digest, "sha256")
        answered = tsa.request_tsa_response(request)["time_stamp_token"].dump()
    assert direct == answered
    info = cms.ContentInfo.load(direct)["content"]["encap_content_info"]["content"]
    assert isinstance(info.parsed, tsp.TSTInfo)
    assert info.parsed["message_imprint"]["hashed_message"].native == digest
