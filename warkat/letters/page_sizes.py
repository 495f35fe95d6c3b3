"""A narrow rendition of each page picture (``warkat.letters.pages``), for phones.

The pictures are drawn 1100 px wide, sharp when zoomed on a large screen; a phone on a
weak network gets this ``NARROW`` copy instead (``srcset`` and a ``<picture>`` source
in ``letters/detail.html``), about a third of the bytes. It is made from the wide
picture the first time someone asks for it, stored beside it, and served from storage
after that: pictures drawn before this existed get theirs too, and the drawing task is
unchanged. Access is decided by the caller, as for the wide picture.
"""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse

from warkat.letters.files import file_open
from warkat.letters.models import LetterFilePage
from warkat.letters.pages import PAGE_CACHE

log = logging.getLogger(__name__)

#: Width of the phone rendition: a 390 px screen at 1.5x; the wide one stays a tap away
#: (the original PDF) for fine print.
NARROW = 600


def narrow_name(storage_name: str) -> str:
    """``…/pages/x-1.jpg`` → ``…/pages/x-1-w600.jpg``."""
    stem, _dot, ext = storage_name.rpartition(".")
    return f"{stem}-w{NARROW}.{ext}"


def _narrow_make(page: LetterFilePage, name: str) -> None:
    from PIL import Image

    with file_open(page.storage_name) as fh, Image.open(fh) as wide:
        height = round(wide.height * NARROW / wide.width)
        small = wide.convert("RGB").resize((NARROW, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80, progressive=True, optimize=True)
    saved = default_storage.save(name, ContentFile(out.getvalue()))
    if saved != name:
        # Made at the same moment by another request, which stored it first.
        default_storage.delete(saved)


def narrow_page_response(page: LetterFilePage) -> FileResponse:
    """The narrow picture of ``page`` (the page itself when it is no wider)."""
    name = page.storage_name
    if page.width > NARROW:
        name = narrow_name(page.storage_name)
        if not default_storage.exists(name):
            _narrow_make(page, name)
    response = FileResponse(file_open(name), content_type="image/jpeg")
    response["Cache-Control"] = PAGE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    return response
