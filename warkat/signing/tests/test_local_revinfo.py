"""A B-LT signature gets the tenant CA's CRLs through local fetchers: pyHanko embeds
them without reaching the network and without warning that fetching is off."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko_certvalidator.errors import OCSPFetchError

from warkat.signing import pki, services
from warkat.signing.providers.local_revinfo import local_fetchers
from warkat.signing.tests import factories


def _dss_crls(pdf: bytes) -> set[bytes]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return {ref.get_object().data for ref in reader.root["/DSS"]["/CRLs"]}


def test_b_lt_embeds_the_tenant_crls_without_a_warning(
    signer: factories.Signer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    result = factories.sign(signer)
    assert result.document.pades_level == "B-LT"
    assert not [r for r in caplog.records if r.name.startswith("pyhanko")], [
        r.getMessage() for r in caplog.records
    ]
    ca = services.ca_for(signer.person.tenant)
    # The issuing CA's CRL (for the signer and the TSA) and the root's (for the
    # issuing CA) are in the document security store.
    assert _dss_crls(result.signed_pdf) == {bytes(ca.crl_der), bytes(ca.root_crl_der)}


def test_fetchers_answer_from_the_given_crls_only(signer: factories.Signer) -> None:
    """The CRL of the issuing CA answers for the certificates it issued, not for the
    issuing CA itself (the root's CRL does); no OCSP, no extra certificates."""
    assert signer.certificate is not None and signer.certificate.cert_der
    ca = services.ca_for(signer.person.tenant)
    fetchers = local_fetchers([asn1_crl.CertificateList.load(bytes(ca.crl_der))])
    leaf = asn1_x509.Certificate.load(bytes(signer.certificate.cert_der))
    intermediate = pki.asn1_cert(pki.cached_cert(bytes(ca.intermediate_cert_der)))
    crls = fetchers.crl_fetcher
    with pytest.raises(KeyError):  # nothing fetched yet for it
        crls.fetched_crls_for_cert(leaf)
    assert [c.dump() for c in asyncio.run(crls.fetch(leaf))] == [bytes(ca.crl_der)]
    assert asyncio.run(crls.fetch(intermediate)) == []
    assert [c.dump() for c in crls.fetched_crls()] == [bytes(ca.crl_der)]
    assert list(crls.fetched_crls_for_cert(intermediate)) == []
    with pytest.raises(OCSPFetchError):
        asyncio.run(fetchers.ocsp_fetcher.fetch(leaf, None))  # type: ignore[arg-type]

    async def issuers() -> list[object]:
        return [c async for c in fetchers.cert_fetcher.fetch_cert_issuers(leaf)]

    assert asyncio.run(issuers()) == []
