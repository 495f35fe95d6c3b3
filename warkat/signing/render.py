"""Rendering a letter for signing: PDF/A, attachments appended, signature box found.

Builds on ``warkat.core.pdf`` (its fetcher serves only static files and ``data:``
URLs); adds, when the caller allows it, images of one storage prefix (a tenant's
uploaded kop logo) and nothing else. The template marks where the visible signature
goes with an element ``id="ttd"``; its box is returned in PDF points.
"""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from warkat.core.errors import ValidationError
from warkat.core.pdf import (
    BASE_URL,
    RefusedFetch,
    no_network_ssl_context,
    safe_url_fetcher,
)

#: Template address of storage files: ``{{ media_base }}<storage name>``.
MEDIA_PATH = "/_media/"
#: CSS px → PDF points (WeasyPrint lays out at 96 px per inch, PDF at 72).
PX_TO_PT = 0.75
SIGNATURE_ANCHOR = "ttd"
_IMAGE_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}


def media_url(storage_name: str) -> str:
    """The address a template uses for a stored image (e.g. the unit's kop logo)."""
    return BASE_URL.rstrip("/") + MEDIA_PATH + storage_name


class LetterFetcher(URLFetcher):
    """Static files and ``data:`` (``core.pdf``), plus images under ``media_prefix``."""

    def __init__(self, *, media_prefix: str | None) -> None:
        super().__init__(
            allowed_protocols=("https", "data"),
            allow_redirects=False,
            ssl_context=no_network_ssl_context(),
        )
        self.media_prefix = media_prefix

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = unquote(urlsplit(url).path) if url.startswith(BASE_URL) else ""
        if self.media_prefix and path.startswith(MEDIA_PATH):
            name = path.removeprefix(MEDIA_PATH)
            content_type = mimetypes.guess_type(name)[0] or ""
            if (
                not name.startswith(self.media_prefix)
                or ".." in name.split("/")
                or content_type not in _IMAGE_TYPES
            ):
                raise RefusedFetch(url)
            with default_storage.open(name, "rb") as handle:
                data = handle.read()
            return URLFetcherResponse(url, data, {"Content-Type": content_type})
        result = safe_url_fetcher(url)
        return URLFetcherResponse(
            url, result["string"], {"Content-Type": result["mime_type"]}
        )


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: 0-based page, (x1, y1, x2, y2) in points
    with the origin bottom-left as in PDF."""

    page: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int
    signature_box: SignatureBox | None
    #: The boxes of the ``anchors`` asked for (documents several people sign).
    boxes: dict[str, SignatureBox] = field(default_factory=dict)


def render_for_signing(
    *,
    html: str,
    pdf_variant: str | None = "pdf/a-3b",
    attachments: Sequence[bytes] = (),
    media_prefix: str | None = None,
    anchors: Sequence[str] = (),
) -> RenderedPdf:
    """Render ``html`` (sanitised by its caller; page numbers come from the CSS,
    e.g. ``@bottom-center { content: counter(page) }``) and append ``attachments``
    (PDFs, or PNG/JPEG images as one page each)."""
    document = HTML(
        string=html,
        base_url=BASE_URL,
        url_fetcher=LetterFetcher(media_prefix=media_prefix),
    ).render()
    box = signature_box(document)
    boxes = {
        name: found for name in anchors if (found := signature_box(document, name))
    }
    pdf = document.write_pdf(pdf_variant=pdf_variant)
    pages = len(document.pages)
    if attachments:
        pdf, pages = _append(pdf, attachments)
    return RenderedPdf(pdf=pdf, pages=pages, signature_box=box, boxes=boxes)


def signature_box(document: Any, name: str = SIGNATURE_ANCHOR) -> SignatureBox | None:
    for index, page in enumerate(document.pages):
        anchor = page.anchors.get(name)
        if anchor is None:
            continue
        x1, y1, x2, y2 = anchor
        height = page.height * PX_TO_PT
        # WeasyPrint's y grows downwards from the top, PDF's upwards from the bottom.
        return SignatureBox(
            page=index,
            box=(
                round(x1 * PX_TO_PT),
                round(height - y2 * PX_TO_PT),
                round(x2 * PX_TO_PT),
                round(height - y1 * PX_TO_PT),
            ),
        )
    return None


def _append(main: bytes, attachments: Sequence[bytes]) -> tuple[bytes, int]:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(main)))
    for index, data in enumerate(attachments, start=1):
        pdf = data if data[:5] == b"%PDF-" else _image_to_pdf(data, index)
        try:
            reader = PdfReader(io.BytesIO(pdf), strict=False)
            if reader.is_encrypted:
                raise ValueError("encrypted attachment")
            writer.append(reader)
        except Exception as exc:
            raise _attachment_refused(index) from exc
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _image_to_pdf(data: bytes, index: int) -> bytes:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"PNG", "JPEG"}:
                raise ValueError(image.format)
            out = io.BytesIO()
            image.convert("RGB").save(out, "PDF", resolution=150.0)
            return out.getvalue()
    except Exception as exc:
        raise _attachment_refused(index) from exc


def _attachment_refused(index: int) -> ValidationError:
    return ValidationError(
        "pdf.attachment_invalid",
        _("Attachment %(n)s is not a readable PDF, PNG or JPEG file."),
        params={"n": index},
    )
