"""The tenant CA's revocation data, handed to pyHanko's validator as "fetched".

A B-LT signature embeds the revocation data of the signer's chain. pyHanko gathers it
by validating the chain before signing, fetching what it needs; when fetching is
off, it warns on every signature that the embedded data may be incomplete
("Validation/revocation info will be embedded, but fetching is not allowed").
Warkat's CA is in the same database, so instead of going to the network the fetchers
here answer from what the CA has just issued: its CRLs for each certificate's
issuer, no OCSP responses (the CRLs are the tenant CA's revocation data) and no
extra certificates (the whole chain is given to the validator).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable

from asn1crypto import cms, crl, ocsp, x509
from pyhanko_certvalidator.authority import Authority
from pyhanko_certvalidator.errors import OCSPFetchError
from pyhanko_certvalidator.fetchers.api import (
    CertificateFetcher,
    CRLFetcher,
    Fetchers,
    OCSPFetcher,
)

type _Cert = x509.Certificate | cms.AttributeCertificateV2
#: What the certificate fetcher finds: nothing, the chain is given.
_NO_CERTS: tuple[x509.Certificate, ...] = ()


class _CrlFetcher(CRLFetcher):
    def __init__(self, crls: list[crl.CertificateList]) -> None:
        self._crls = crls
        self._fetched: dict[str, list[crl.CertificateList]] = {}

    async def fetch(
        self, cert: _Cert, *, use_deltas: bool | None = None
    ) -> Iterable[crl.CertificateList]:
        found = [c for c in self._crls if c.issuer == cert.issuer]
        self._fetched[_key(cert)] = found
        return found

    def fetched_crls(self) -> Iterable[crl.CertificateList]:
        return list({id(c): c for cs in self._fetched.values() for c in cs}.values())

    def fetched_crls_for_cert(self, cert: _Cert) -> Iterable[crl.CertificateList]:
        return self._fetched[_key(cert)]  # KeyError: not fetched yet, as documented


class _NoOcspFetcher(OCSPFetcher):
    async def fetch(self, cert: _Cert, authority: Authority) -> ocsp.OCSPResponse:
        raise OCSPFetchError("the tenant CA's revocation data are its CRLs")

    def fetched_responses(self) -> Iterable[ocsp.OCSPResponse]:
        return []

    def fetched_responses_for_cert(self, cert: _Cert) -> Iterable[ocsp.OCSPResponse]:
        return []


class _NoCertFetcher(CertificateFetcher):
    async def fetch_cert_issuers(self, cert: _Cert) -> AsyncGenerator[x509.Certificate]:
        for found in _NO_CERTS:
            yield found

    async def fetch_crl_issuers(
        self, certificate_list: crl.CertificateList
    ) -> AsyncGenerator[x509.Certificate]:
        for found in _NO_CERTS:
            yield found

    def fetched_certs(self) -> Iterable[x509.Certificate]:
        return []


def _key(cert: _Cert) -> str:
    if isinstance(cert, x509.Certificate):
        return cert.issuer_serial
    return cert.dump().hex()


def local_fetchers(crls: list[crl.CertificateList]) -> Fetchers:
    """Fetchers that answer from ``crls`` (the tenant CA's) without any network."""
    return Fetchers(
        ocsp_fetcher=_NoOcspFetcher(),
        crl_fetcher=_CrlFetcher(crls),
        cert_fetcher=_NoCertFetcher(),
    )
