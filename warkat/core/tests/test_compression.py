"""Pages travel gzipped on a weak network (issue 15); files that are compressed
already (page pictures, PDFs) do not go through gzip again."""

from __future__ import annotations

import gzip

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from warkat.core.static import TextGZipMiddleware

pytestmark = pytest.mark.django_db

PAGE = "<p>" + "Surat masuk " * 200 + "</p>"


def _through(
    response: HttpResponse | FileResponse, accept: str = "gzip, br"
) -> HttpResponse:
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return TextGZipMiddleware(lambda r: response)(request)  # type: ignore[return-value]


def test_sign_in_page_is_gzipped(client: object) -> None:
    response = client.get("/akun/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"<form" in gzip.decompress(response.content)


def test_html_gzipped_only_when_accepted() -> None:
    html = HttpResponse(PAGE, content_type="text/html; charset=utf-8")
    out = _through(html)
    assert out["Content-Encoding"] == "gzip"
    assert gzip.decompress(out.content).decode() == PAGE
    plain = _through(HttpResponse(PAGE, content_type="text/html"), accept="identity")
    assert not plain.has_header("Content-Encoding")


def test_pictures_and_files_left_alone() -> None:
    for ctype in ("image/jpeg", "application/pdf", "application/octet-stream"):
        out = _through(HttpResponse(PAGE.encode(), content_type=ctype))
        assert not out.has_header("Content-Encoding"), ctype
        assert out.content == PAGE.encode()
