"""The page pictures of a letter's PDF (``warkat.letters.pages``), for phones."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from warkat.core.http import tenant_view
from warkat.letters.page_sizes import narrow_page_response
from warkat.letters.pages import letter_file_page_for_user, page_response
from warkat.letters.views import FRAMEABLE


@xframe_options_sameorigin
@FRAMEABLE
@tenant_view  # type: ignore[arg-type]  # a streamed file passes through unchanged
@require_GET
def file_page(
    request: HttpRequest,
    letter_id: int,
    file_id: int,
    number: int,
    narrow: bool = False,
) -> HttpResponseBase:
    """One page picture (``narrow``: its phone rendition, ``letters.page_sizes``),
    with the same access decision as the file itself."""
    page = letter_file_page_for_user(
        user=request.user, letter_id=letter_id, file_id=file_id, number=number
    )
    return narrow_page_response(page) if narrow else page_response(page)
