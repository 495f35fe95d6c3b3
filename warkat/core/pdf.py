"""HTML → PDF with WeasyPrint, never fetching anything outside the server's static files.

``safe_url_fetcher`` serves only ``/static/…`` (resolved through the staticfiles
finders, so nothing outside the static directories) and inline ``data:`` URLs; any
other address (http, file, ftp, a path outside static) is refused. Every renderer in
Warkat (receipts, agenda books, letters for signing) goes through ``render_pdf``.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
import ssl
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

#: The base URL documents are rendered against. It names no real host: only links
#: under it that point into the static files are ever served.
BASE_URL = "https://warkat.invalid/"


class RefusedFetch(ValueError):
    """A document asked for a resource outside the server's static files."""


def _static_path(path: str) -> Path:
    prefix = settings.STATIC_URL
    if not path.startswith(prefix):
        raise RefusedFetch(path)
    relative = unquote(path[len(prefix) :])
    if not relative or ".." in Path(relative).parts:
        raise RefusedFetch(path)
    found = finders.find(relative)
    if not found:
        raise RefusedFetch(path)
    return Path(found if isinstance(found, str) else found[0])


def safe_url_fetcher(url: str, timeout: int = 10, ssl_context: object = None) -> dict:
    """A WeasyPrint URL fetcher limited to static files and ``data:`` URLs."""
    if url.startswith("data:"):
        header, _sep, payload = url.partition(",")
        mime = header[5:].split(";")[0] or "text/plain"
        raw = (
            base64.b64decode(payload)
            if header.endswith(";base64")
            else unquote(payload).encode()
        )
        return {"string": raw, "mime_type": mime}
    if not url.startswith(BASE_URL):
        raise RefusedFetch(url)
    path = _static_path("/" + urlsplit(url).path.lstrip("/"))
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return {"string": path.read_bytes(), "mime_type": mime}


def render_pdf(html: str) -> bytes:
    """Render ``html`` (links like ``/static/warkat/pdf.css`` allowed) to PDF bytes."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
    return document.write_pdf()


def _fetcher() -> object:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            result = safe_url_fetcher(url)
            return URLFetcherResponse(
                url, result["string"], {"Content-Type": result["mime_type"]}
            )

    return StaticOnlyFetcher(
        allowed_protocols=("https", "data"), ssl_context=no_network_ssl_context()
    )


@functools.cache
def no_network_ssl_context() -> ssl.SSLContext:
    """The TLS context WeasyPrint's fetcher base class wants. Our fetchers never
    open a connection (``fetch`` is overridden), so it carries no trust store:
    without it, each fetcher loads the system's CA certificates (tens of
    milliseconds per rendered letter), and a connection would fail to verify."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
