"""What a signed letter's PDF says about its signer and how it points to the
verification page: a Plh. signer is named "Plh. <position>" in the signature block,
the visible stamp and the certificate; the verification URL is a link."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from warkat.drafting.models import Draft
from warkat.drafting.sending import letter_sign
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
from warkat.org.tests import factories as org
from warkat.signing.documents import signed_open, verification_url
from warkat.signing.models import SignedDocument

pytestmark = pytest.mark.django_db


def _signed(o: SimpleNamespace, key: str) -> tuple[SignedDocument, bytes]:
    user = signer_ready(o, key)
    d = approved(o)
    letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    d = Draft.objects.get(pk=d.pk)
    doc = SignedDocument.objects.select_related("certificate").get(
        pk=d.signed_document_id
    )
    return doc, signed_open(doc)


def _links(pdf: bytes) -> list[str]:
    uris = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Link" and "/A" in annot:
                uris.append(str(annot["/A"].get("/URI")))
    return uris


def test_plh_signer_is_named_plh_in_the_block_and_the_certificate(
    o: SimpleNamespace,
) -> None:
    # The Kepala Dinas is on leave; the Sekretaris is Plh. this week.
    org.assignment(
        o.tenant,
        o.people.sekdis,
        o.pos.kadis,
        kind="plh",
        start_date=dt.date(2026, 11, 2),
        end_date=dt.date(2026, 11, 8),
    )
    doc, pdf = _signed(o, "sekdis")

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "PLH. KEPALA DINAS KOMINFO," in text
    assert "Sekretaris Dinas Kominfo Orang" in text  # the Plh's own name
    assert doc.signer_position == "PLH. KEPALA DINAS KOMINFO"

    cert = doc.certificate
    assert cert is not None and cert.position_title == "Plh. Kepala Dinas Kominfo"
    assert cert.cert_der is not None
    issued = x509.load_der_x509_certificate(bytes(cert.cert_der))
    titles = issued.subject.get_attributes_for_oid(NameOID.TITLE)
    assert [t.value for t in titles] == ["Plh. Kepala Dinas Kominfo"]


def test_definitif_signer_keeps_the_plain_title(o: SimpleNamespace) -> None:
    doc, _pdf = _signed(o, "kadis")
    assert doc.certificate is not None
    assert doc.certificate.position_title == "Kepala Dinas Kominfo"


def test_verification_url_is_a_link(o: SimpleNamespace) -> None:
    doc, pdf = _signed(o, "kadis")
    url = verification_url(doc.verification_code)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert url in text.replace("\n", "")
    assert url in _links(pdf)
