"""The text of a letter's files on its page: each file's state (polled by htmx while
one is waiting), the searchable PDF/A made by OCR, and a new start after a failure."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from warkat.core.http import tenant_view
from warkat.letters.downloads import file_response
from warkat.letters.errors import letter_not_found
from warkat.letters.selectors import letter_full_for_user
from warkat.letters.views import FRAMEABLE
from warkat.ocr.selectors import file_text_for_user, texts_context
from warkat.ocr.services import file_text_retry


@tenant_view
@require_GET
def letter_texts(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The files' text panel of a letter alone (the letter page polls it)."""
    letter = letter_full_for_user(user=request.user, letter_id=letter_id)
    return render(
        request, "ocr/_texts.html", texts_context(user=request.user, letter=letter)
    )


@xframe_options_sameorigin
@FRAMEABLE
@tenant_view  # type: ignore[arg-type]  # a streamed file passes through unchanged
@require_GET
def searchable_pdf(request: HttpRequest, text_id: int) -> HttpResponseBase:
    """The searchable PDF/A made from a scan, to whoever may open the scan."""
    row, _letter = file_text_for_user(user=request.user, text_id=text_id)
    if not row.searchable_name:
        raise letter_not_found()
    stem = row.file.original_name.rsplit(".", 1)[0]
    return file_response(
        SimpleNamespace(
            storage_name=row.searchable_name,
            content_type="application/pdf",
            original_name=f"{stem}-teks.pdf",
        )
    )


@tenant_view
@require_POST
def retry(request: HttpRequest, text_id: int) -> HttpResponse:
    """A TU or admin starts a failed reading again."""
    row, letter = file_text_for_user(user=request.user, text_id=text_id)
    file_text_retry(actor=request.user, file_text=row, letter=letter)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request, "ocr/_texts.html", texts_context(user=request.user, letter=letter)
        )
    messages.success(request, _("The text of the file will be read again."))
    return redirect("letters:detail", letter_id=letter.pk)
