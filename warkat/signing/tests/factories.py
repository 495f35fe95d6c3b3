"""Test helpers: signers with a TOTP authenticator, a key and an issued certificate."""

from __future__ import annotations

import base64
import functools
import time
from dataclasses import dataclass
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from warkat.accounts.models import User
from warkat.org.models import Person
from warkat.org.tests import factories as org
from warkat.signing import documents, keystore, pki, services
from warkat.signing.models import SignerCertificate
from warkat.signing.render import RenderedPdf, render_for_signing
from warkat.tenancy.models import Tenant

PASSPHRASE = "kunci-rahasia-123"
MARIA = pki.SignerSubject(
    "dr. Maria Yikwa, M.Kes", "198005172005031001", "Kepala Dinas", "Keerom"
)
TOTP_SECRET = base64.b32encode(b"warkat-signing-test!").decode()


def ca_with_signer(
    organisation: str, urls: pki.PkiUrls, days: int
) -> tuple[Any, Any, Any]:
    """A CA of its own, and a signing key with its certificate (dr. Maria Yikwa)
    from it: ``(ca, key, cert)``."""
    ca = pki.ca_build(organisation=organisation, urls=urls)
    key = keystore.rsa_generate()
    cert = pki.signer_cert_build(
        subject=MARIA, public_key_der=keystore.public_der(key),
        issuer_cert=ca.intermediate_cert, issuer_key=ca.intermediate_key,
        days=days, urls=urls,
    )  # fmt: skip
    return ca, key, cert


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


@dataclass
class Signer:
    person: Person
    user: User
    certificate: SignerCertificate | None
    passphrase: str = PASSPHRASE


def signer(
    tenant: Tenant,
    *,
    admin: Any = None,
    totp: bool = True,
    issue: bool = True,
    name: str = "Maria Yikwa",
) -> Signer:
    """A head of a dinas who holds a certificate of ``tenant``'s CA."""
    person = org.person(tenant, full_name=name, front_title="dr.", back_title="M.Kes")
    position = org.position(
        tenant, name="Kepala Dinas Kesehatan", category="jpt", is_head=True
    )
    org.assignment(tenant, person, position)
    user = org.user(tenant, "pimpinan", person_=person)
    if totp:
        TOTP.activate(user, TOTP_SECRET)
    cert = None
    if issue:
        if not services.CertificateAuthority.objects.filter(tenant=tenant).exists():
            services.ca_create(tenant=tenant, actor=None)
        cert = services.certificate_request(
            tenant=tenant, user=user, passphrase=PASSPHRASE
        )
        cert = services.certificate_issue(tenant=tenant, actor=admin, certificate=cert)
    return Signer(person=person, user=user, certificate=cert)


LETTER_HTML = """<!doctype html><html><head><style>
@page { size: A4; margin: 2cm 2cm 2.5cm; @bottom-center { content: "Halaman " counter(page) " dari " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Serif"; font-size: 11pt; }
#ttd { width: 8cm; height: 3.2cm; margin-left: 8cm; }
</style></head><body>
<h1>PEMERINTAH KABUPATEN KEEROM</h1>
<p>Nomor: 000.1/12/DINKES/2026</p>
%s
<div id="ttd"></div>
</body></html>"""


@functools.lru_cache(maxsize=4)
def letter_pdf(paragraphs: int = 8) -> RenderedPdf:
    body = "".join(
        f"<p>Paragraf {n}: dengan hormat, bersama ini kami sampaikan undangan rapat.</p>"
        for n in range(paragraphs)
    )
    return render_for_signing(html=LETTER_HTML % body)


STAMP = documents.StampInfo(
    position="Kepala Dinas Kesehatan",
    name="dr. Maria Yikwa, M.Kes",
    nip="198005172005031001",
)


def sign(
    s: Signer,
    *,
    passphrase: str | None = None,
    otp: str | None = None,
    stamp: documents.StampInfo = STAMP,
    rendered: RenderedPdf | None = None,
    **document: Any,
) -> documents.SignatureResult:
    """Unlock ``s`` (its passphrase and current TOTP code unless given) and sign
    ``rendered`` (the test letter) at its ``#ttd`` box; ``document`` goes to
    ``document_sign``."""
    rendered = rendered or letter_pdf()
    credential = documents.signer_unlock(
        tenant=s.person.tenant,
        signer_person=s.person,
        signer_user=s.user,
        passphrase=s.passphrase if passphrase is None else passphrase,
        otp=otp or totp_code(),
    )
    return documents.document_sign(
        credential=credential,
        pdf_bytes=rendered.pdf,
        field_box=rendered.signature_box,
        stamp=stamp,
        **document,
    )
