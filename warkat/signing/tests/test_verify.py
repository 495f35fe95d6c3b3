"""Public verification: the QR page, uploads, secrecy, rate limit, API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from warkat.signing.tests import factories


def _signed(signer: factories.Signer, security: str = "biasa", minutes: int = 0) -> Any:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    with time_machine.travel(moment, tick=True):
        return factories.sign(
            signer,
            security=security,
            letter_number="005/77/DINKES/2026",
            letter_date=dt.date(2026, 3, 2),
        )


def test_page_shows_details_for_biasa(signer: factories.Signer, client: Client) -> None:
    result = _signed(signer)
    page = client.get(f"/verifikasi/{result.document.verification_code}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "tte-good" in text
    assert "005/77/DINKES/2026" in text and "dr. Maria Yikwa, M.Kes" in text
    assert "Kepala Dinas Kesehatan" in text
    assert result.document.sha256 in text
    assert "WIT" in text


def test_page_hides_details_for_rahasia(
    signer: factories.Signer, client: Client
) -> None:
    result = _signed(signer, security="rahasia")
    text = client.get(
        f"/verifikasi/{result.document.verification_code}"
    ).content.decode()
    assert "005/77/DINKES/2026" in text and "dr. Maria Yikwa, M.Kes" in text
    assert "Kepala Dinas Kesehatan" not in text
    assert result.document.sha256 not in text
    data = client.get(f"/api/v1/verify/{result.document.verification_code}").json()
    assert data["valid"] is True
    assert data["signer_position"] is None and data["sha256"] is None


def test_unknown_code_is_404(db: Any, client: Client) -> None:
    assert client.get("/verifikasi/tidak-ada").status_code == 404
    assert client.get("/api/v1/verify/tidak-ada").status_code == 404


def test_upload_matching_and_not_matching(
    signer: factories.Signer, client: Client
) -> None:
    result = _signed(signer)
    url = f"/verifikasi/{result.document.verification_code}"
    good = client.post(url, {"file": SimpleUploadedFile("a.pdf", result.signed_pdf)})
    assert (
        "Matching: the uploaded file" in good.content.decode()
        or "Cocok" in good.content.decode()
    )
    other = factories.letter_pdf(paragraphs=3).pdf
    bad = client.post(url, {"file": SimpleUploadedFile("b.pdf", other)})
    assert "tte-bad" in bad.content.decode()
    changed = bytearray(result.signed_pdf)
    changed[300] = (changed[300] + 1) % 256
    bad2 = client.post(
        "/verifikasi/", {"file": SimpleUploadedFile("c.pdf", bytes(changed))}
    )
    assert "tte-bad" in bad2.content.decode()
    api_good = client.post(
        "/api/v1/verify", {"file": SimpleUploadedFile("a.pdf", result.signed_pdf)}
    ).json()
    assert api_good["matches"] is True
    assert api_good["document"]["letter_number"] == "005/77/DINKES/2026"
    api_bad = client.post(
        "/api/v1/verify", {"file": SimpleUploadedFile("b.pdf", other)}
    ).json()
    assert api_bad["matches"] is False and api_bad["document"] is None
    assert api_bad["result"] == "not_signed"


def test_rate_limit(signer: factories.Signer, client: Client, settings: Any) -> None:
    settings.WARKAT_VERIFY_RATE = 3
    result = _signed(signer)
    url = f"/verifikasi/{result.document.verification_code}"
    statuses = [client.get(url).status_code for _i in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another client address has its own budget.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert (
        client.get(f"/api/v1/verify/{result.document.verification_code}").status_code
        == 429
    )


def test_verification_in_english(signer: factories.Signer, client: Client) -> None:
    result = _signed(signer)
    client.cookies["django_language"] = "en"
    text = client.get(
        f"/verifikasi/{result.document.verification_code}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Document verification" in text


@pytest.mark.parametrize("security", ["sangat_rahasia"])
def test_api_sangat_rahasia_minimal(
    signer: factories.Signer, client: Client, security: str
) -> None:
    result = _signed(signer, security=security)
    data = client.get(f"/api/v1/verify/{result.document.verification_code}").json()
    assert {k for k, v in data.items() if v is not None} == {
        "valid",
        "letter_number",
        "signer_name",
    }
