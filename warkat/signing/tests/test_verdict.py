"""An uploaded PDF's clear result on the public page and in the API: valid,
altered, unknown signer, revoked and expired certificates, not signed."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from warkat.signing import documents, keystore, pki, services
from warkat.signing.providers import tenant_ca
from warkat.signing.providers.base import DEFAULT_BOX, SignRequest, pdf_open
from warkat.signing.tests import factories

NOW = dt.datetime.now(dt.UTC)


def _upload(client: Client, pdf: bytes) -> tuple[str, dict[str, Any]]:
    page = client.post("/verifikasi/", {"file": SimpleUploadedFile("a.pdf", pdf)})
    assert page.status_code == 200
    api = client.post("/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", pdf)})
    assert api.status_code == 200
    return page.content.decode(), api.json()


def _raw_sign(signer: factories.Signer, *, ca: Any = None, cert: Any = None) -> bytes:
    """Sign the test letter with ``signer``'s key outside Warkat's checks (as a
    stolen or kept key would be used), timestamped by the tenant's TSA."""
    tenant = signer.person.tenant
    row = signer.certificate
    assert row is not None
    key = keystore.key_unlock(
        bytes(row.encrypted_key), passphrase=factories.PASSPHRASE,
        label=services.key_label(row), public_key_der=bytes(row.public_key_der),
    )  # fmt: skip
    ca_row = services.ca_for(tenant)
    material = tenant_ca.CaMaterial(
        root=ca.root_cert if ca else pki.cached_cert(bytes(ca_row.root_cert_der)),
        intermediate=ca.intermediate_cert
        if ca
        else pki.cached_cert(bytes(ca_row.intermediate_cert_der)),
        timestamper=documents.tenant_timestamper(tenant),
    )
    rendered = factories.letter_pdf()
    request = SignRequest(
        pdf=rendered.pdf, reader=pdf_open(rendered.pdf),
        box=rendered.signature_box or DEFAULT_BOX,
        stamp=factories.STAMP, verification_url="https://warkat.example/v/x",
        reason="", location="Keerom",
    )  # fmt: skip
    the_cert = cert or pki.cached_cert(bytes(row.cert_der or b""))
    return tenant_ca.sign(
        request=request, key=key, cert=the_cert, material=material
    ).signed_pdf


def test_valid(signer: factories.Signer, client: Client) -> None:
    result = factories.sign(signer)
    text, data = _upload(client, result.signed_pdf)
    assert data["result"] == "valid" and data["matches"] is True
    assert data["document"]["signer_name"] == "dr. Maria Yikwa, M.Kes"
    assert "tte-valid" in text
    assert "Cocok" in text or "Matching" in text


def test_altered_bytes_and_added_content(
    signer: factories.Signer, client: Client
) -> None:
    signed = factories.sign(signer).signed_pdf
    changed = bytearray(signed)
    index = signed.index(b"/Type /Page") + 2
    changed[index] = ord("X") if changed[index] != ord("X") else ord("Y")
    text, data = _upload(client, bytes(changed))
    assert data["result"] == "altered" and data["matches"] is False
    assert "tte-altered" in text
    # Content added after signing, in a new revision: the signature still
    # verifies its own bytes, but the document is not what was signed.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = __import__("pyhanko").pdf_utils.generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    _text, data = _upload(client, out.getvalue())
    assert data["result"] == "altered"


def _corrupted_cms(signed: bytes) -> dict[str, bytes]:
    """The signed file with its CMS blob (``/Contents``) damaged three ways: its
    first bytes overwritten (no longer readable as CMS), one byte of the
    timestamp token's own signature changed, every byte zeroed."""
    from asn1crypto import cms

    match = re.search(rb"/Contents\s*<([0-9a-fA-F]+)>", signed)
    assert match is not None
    start, end = match.span(1)
    blob = bytes.fromhex(match.group(1).decode())
    info = cms.ContentInfo.load(blob.rstrip(b"\0"))["content"]["signer_infos"][0]
    token = next(
        a["values"][0]
        for a in info["unsigned_attrs"]
        if a["type"].native == "signature_time_stamp_token"
    )
    token_sig = bytes(token["content"]["signer_infos"][0]["signature"].native)
    at = start + 2 * blob.index(token_sig) + 10
    variants = {}
    for name, (lo, hi, fill) in {
        "header": (start, start + 8, b"ffffffff"),
        "timestamp": (at, at + 1, b"0" if signed[at : at + 1] != b"0" else b"1"),
        "zeroed": (start, end, b"0" * (end - start)),
    }.items():
        variants[name] = signed[:lo] + fill + signed[hi:]
    return variants


def test_corrupted_signature_blob_is_altered(
    signer: factories.Signer, client: Client
) -> None:
    """A damaged CMS blob is a changed document, never 'not signed' or merely
    'not confirmed'."""
    signed = factories.sign(signer).signed_pdf
    for name, pdf in _corrupted_cms(signed).items():
        text, data = _upload(client, pdf)
        assert (name, data["result"]) == (name, "altered")
        assert "tte-altered" in text


def test_unknown_signer(signer: factories.Signer, client: Client) -> None:
    """A certificate from a CA Warkat does not know (same names, other keys)."""
    urls = pki.PkiUrls(*(f"https://elsewhere.example/{n}" for n in range(5)))
    other, key, forged = factories.ca_with_signer("Kabupaten Palsu", urls, 30)
    assert signer.certificate is not None
    rendered = factories.letter_pdf()
    pdf = tenant_ca.sign(
        request=SignRequest(
            pdf=rendered.pdf, reader=pdf_open(rendered.pdf),
            box=rendered.signature_box or DEFAULT_BOX, stamp=factories.STAMP,
            verification_url="https://elsewhere.example/v", reason="", location="",
        ),
        key=key, cert=forged,
        material=tenant_ca.CaMaterial(
            root=other.root_cert, intermediate=other.intermediate_cert,
            timestamper=documents.tenant_timestamper(signer.person.tenant),
        ),
    ).signed_pdf  # fmt: skip
    text, data = _upload(client, pdf)
    assert data["result"] == "unknown_signer" and data["matches"] is False
    assert "tte-unknown_signer" in text


def test_revoked_before_signing_is_not_valid(
    signer: factories.Signer, client: Client
) -> None:
    assert signer.certificate is not None
    services.certificate_revoke(
        tenant=signer.person.tenant, actor=None, certificate=signer.certificate,
        reason="key_compromise",
    )  # fmt: skip
    # Five minutes after the revocation, which happened now (not when this module
    # was imported: in a full run that is minutes earlier).
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)):
        pdf = _raw_sign(signer)
    text, data = _upload(client, pdf)
    assert data["result"] == "revoked" and data["matches"] is False
    assert "tte-revoked" in text


def test_revoked_after_signing_stays_valid_and_says_so(
    signer: factories.Signer, client: Client
) -> None:
    result = factories.sign(signer)
    assert signer.certificate is not None
    with time_machine.travel(NOW + dt.timedelta(days=3)):
        services.certificate_revoke(
            tenant=signer.person.tenant, actor=None,
            certificate=signer.certificate, reason="affiliation_changed",
        )  # fmt: skip
        text, data = _upload(client, result.signed_pdf)
    assert data["result"] == "valid" and data["matches"] is True
    assert "revoked on" in text or "dicabut pada" in text


def test_expired_certificate(signer: factories.Signer, client: Client) -> None:
    assert signer.certificate is not None
    result = factories.sign(signer)
    assert signer.certificate.not_after is not None
    after = signer.certificate.not_after + dt.timedelta(days=2)
    with time_machine.travel(after):
        # Signed while valid: still valid after the certificate expired.
        text, data = _upload(client, result.signed_pdf)
        assert data["result"] == "valid" and data["matches"] is True
        assert "expired on" in text or "kedaluwarsa pada" in text
        # Signed with the key after the certificate expired: not valid.
        late = _raw_sign(signer)
        text, data = _upload(client, late)
    assert data["result"] == "expired" and data["matches"] is False
    assert "tte-expired" in text


def test_not_signed(db: Any, client: Client) -> None:
    _text, data = _upload(client, factories.letter_pdf(paragraphs=2).pdf)
    assert data["result"] == "not_signed" and data["matches"] is False
    _text, data = _upload(client, b"bukan pdf")
    assert data["result"] == "not_signed"


def test_judging_an_upload_costs_three_queries(
    signer: factories.Signer, client: Client
) -> None:
    """The certificate, its CA and the recorded document: one query each,
    whatever the file (besides the rate limit's cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = factories.sign(signer)
    with CaptureQueriesContext(connection) as captured:
        client.post(
            "/verifikasi/", {"file": SimpleUploadedFile("a.pdf", result.signed_pdf)}
        )
    signing = [q for q in captured.captured_queries if '"signing_' in q["sql"]]
    assert len(signing) == 3
