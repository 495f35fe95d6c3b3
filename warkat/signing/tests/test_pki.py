"""The tenant CA's public endpoints: CRL, OCSP, CA certificates and the TSA."""

from __future__ import annotations

import os
from typing import Any

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import ocsp
from django.test import Client

from warkat.signing import pki, services
from warkat.signing.tests import factories


def _ocsp(client: Client, tenant: Any, cert_der: Any) -> ocsp.OCSPResponse:
    ca = services.ca_for(tenant)
    request = pki.ocsp_request_build(
        cert=x509.load_der_x509_certificate(cert_der),
        issuer_cert=x509.load_der_x509_certificate(bytes(ca.intermediate_cert_der)),
    )
    answer = client.post(
        f"/pki/{tenant.slug}/ocsp", request, content_type="application/ocsp-request"
    )
    assert answer.status_code == 200
    return ocsp.load_der_ocsp_response(answer.content)


def test_crl_and_ocsp_reflect_revocation(
    signer: factories.Signer, client: Client
) -> None:
    tenant = signer.person.tenant
    cert = signer.certificate
    assert cert is not None
    crl = x509.load_der_x509_crl(client.get(f"/pki/{tenant.slug}/crl.der").content)
    assert crl.get_revoked_certificate_by_serial_number(int(cert.serial, 16)) is None
    assert (
        _ocsp(client, tenant, bytes(cert.cert_der or b"")).certificate_status
        == ocsp.OCSPCertStatus.GOOD
    )
    services.certificate_revoke(
        tenant=tenant, actor=None, certificate=cert, reason="key_compromise"
    )
    crl = x509.load_der_x509_crl(client.get(f"/pki/{tenant.slug}/crl.der").content)
    entry = crl.get_revoked_certificate_by_serial_number(int(cert.serial, 16))
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )
    answer = _ocsp(client, tenant, bytes(cert.cert_der or b""))
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    root = x509.load_der_x509_certificate(
        client.get(f"/pki/{tenant.slug}/root.der").content
    )
    inter = x509.load_der_x509_certificate(
        client.get(f"/pki/{tenant.slug}/ca.der").content
    )
    inter.verify_directly_issued_by(root)
    crl.is_signature_valid(inter.public_key())  # type: ignore[arg-type]
    root_crl = x509.load_der_x509_crl(
        client.get(f"/pki/{tenant.slug}/root-crl.der").content
    )
    assert root_crl.is_signature_valid(root.public_key())  # type: ignore[arg-type]


def test_issued_certificate_points_to_the_app(
    signer: factories.Signer, settings: Any
) -> None:
    cert = x509.load_der_x509_certificate(bytes(signer.certificate.cert_der or b""))  # type: ignore[union-attr]
    tenant = signer.person.tenant
    cdp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert cdp[0].full_name[0].value.endswith(f"/pki/{tenant.slug}/crl.der")
    aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert any(
        a.access_location.value.startswith(settings.PUBLIC_BASE_URL) for a in aia
    )
    subject = cert.subject
    assert (
        subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)[0].value
        == signer.person.nip
    )
    assert (
        subject.get_attributes_for_oid(x509.NameOID.TITLE)[0].value
        == "Kepala Dinas Kesehatan"
    )


def test_unknown_serial_and_garbage(signer: factories.Signer, client: Client) -> None:
    tenant = signer.person.tenant
    ca = services.ca_for(tenant)
    # A certificate from the right issuer that the CA never recorded: "unknown".
    from warkat.signing import keystore

    stray = pki.signer_cert_build(
        subject=pki.SignerSubject("Tidak Terdaftar", "", "", tenant.name),
        public_key_der=keystore.public_der(keystore.rsa_generate()),
        issuer_cert=pki.cached_cert(bytes(ca.intermediate_cert_der)),
        issuer_key=services.ca_key(ca, "intermediate"),
        days=30,
        urls=services.pki_urls(tenant),
    )
    from cryptography.hazmat.primitives import serialization

    stray_der = stray.public_bytes(serialization.Encoding.DER)
    assert _ocsp(client, tenant, stray_der).certificate_status == (
        ocsp.OCSPCertStatus.UNKNOWN
    )
    bad = client.post(
        f"/pki/{tenant.slug}/ocsp", b"garbage", content_type="application/ocsp-request"
    )
    assert ocsp.load_der_ocsp_response(bad.content).response_status == (
        ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    )
    assert client.get("/pki/tidak-ada/crl.der").status_code == 404


def test_tsa_endpoint_answers_rfc3161(signer: factories.Signer, client: Client) -> None:
    tenant = signer.person.tenant
    digest = hashes.Hash(hashes.SHA256())
    digest.update(b"surat")
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest.finalize(),
            },
            "nonce": int.from_bytes(os.urandom(8), "big"),
            "cert_req": True,
        }
    )
    answer = client.post(
        f"/pki/{tenant.slug}/tsa",
        request.dump(),
        content_type="application/timestamp-query",
    )
    response = tsp.TimeStampResp.load(answer.content)
    assert response["status"]["status"].native == "granted"
    info = response["time_stamp_token"]["content"]["encap_content_info"][
        "content"
    ].parsed
    assert info["nonce"].native == request["nonce"].native
    garbage = client.post(
        f"/pki/{tenant.slug}/tsa", b"x", content_type="application/timestamp-query"
    )
    # A response without a token: the status is the only element of the SEQUENCE.
    assert garbage.content[0] == 0x30
    status = tsp.PKIStatusInfo.load(garbage.content[2:])
    assert status["status"].native == "rejection"


def test_the_assembled_tsa_token_is_the_object_built_one() -> None:
    """``tsatoken`` writes the DER by hand: byte for byte what pyHanko's
    object-built ``DummyTimeStamper`` gives for the same request, time and
    serial, with and without a nonce."""
    import datetime as dt
    from unittest import mock

    from asn1crypto import algos, keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    urls = pki.PkiUrls(*(f"https://warkat.example/pki/x/{n}" for n in range(5)))
    ca = pki.ca_build(organisation="Kabupaten Keerom", urls=urls)
    tsa = pki.TenantTimeStamper(
        tsa_cert=ca.tsa_cert, tsa_key=ca.tsa_key,
        chain=[ca.intermediate_cert, ca.root_cert],
    )  # fmt: skip
    tsa.fixed_dt = dt.datetime(2026, 11, 4, 1, 2, 3, 456789, tzinfo=dt.UTC)
    # The parent signs with the key as a PrivateKeyInfo and with its own policy.
    tsa.tsa_key = keys.PrivateKeyInfo.load(
        ca.tsa_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    for nonce in (None, 12345678901234567890):
        request = tsp.TimeStampReq(
            {
                "version": 1,
                "message_imprint": tsp.MessageImprint(
                    {
                        "hash_algorithm": algos.DigestAlgorithm(
                            {"algorithm": "sha256"}
                        ),
                        "hashed_message": os.urandom(32),
                    }
                ),
                "nonce": nonce,
                "cert_req": True,
            }
        )
        with (
            mock.patch(
                "pyhanko.sign.timestamps.common_utils.get_nonce", return_value=42
            ),
            mock.patch(
                "pyhanko.sign.timestamps.dummy_client.get_nonce", return_value=42
            ),
            mock.patch.object(pki, "TSA_POLICY_OID", "1.3.6.1.4.1.4146.2.2"),
        ):
            assembled = tsa.request_tsa_response(request).dump()
            built = DummyTimeStamper.request_tsa_response(tsa, request).dump()
        assert assembled == built
