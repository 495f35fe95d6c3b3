"""The PDF renderer fetches static files only."""

from __future__ import annotations

import pytest

from warkat.core.pdf import BASE_URL, RefusedFetch, render_pdf, safe_url_fetcher


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/warkat/app.css",
        "file:///etc/passwd",
        f"{BASE_URL}static/../../etc/passwd",
        f"{BASE_URL}media/1/2026/11/x.pdf",
        f"{BASE_URL}static/warkat/does-not-exist.css",
    ],
)
def test_anything_outside_static_is_refused(url: str) -> None:
    with pytest.raises(RefusedFetch):
        safe_url_fetcher(url)


def test_static_files_and_data_urls_are_served() -> None:
    css = safe_url_fetcher(f"{BASE_URL}static/warkat/letters-pdf.css")
    assert css["mime_type"] == "text/css" and b"@page" in css["string"]
    assert safe_url_fetcher("data:text/plain;base64,aGFp")["string"] == b"hai"


def test_render_ignores_external_resources() -> None:
    pdf = render_pdf(
        '<link rel="stylesheet" href="/static/warkat/letters-pdf.css">'
        '<img src="http://example.invalid/x.png"><p>Tanda terima</p>'
    )
    assert pdf.startswith(b"%PDF")
