"""Downloads shared by the letter pages and the API: a stored file inline, the tanda
terima (receipt) and the buku agenda in PDF or XLSX."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpResponse

from warkat.core.errors import ValidationError
from warkat.core.http import download_response
from warkat.letters import exports
from warkat.letters.files import file_open
from warkat.letters.selectors import agenda_book, letter_for_user
from warkat.org.models import Unit


def file_response(f: Any) -> FileResponse:
    response = FileResponse(
        file_open(f.storage_name),
        content_type=f.content_type,
        as_attachment=False,
        filename=f.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def receipt_download(*, user: Any, letter_id: int, fmt: str) -> HttpResponse:
    letter, access = letter_for_user(user=user, letter_id=letter_id)
    name = f"tanda-terima-{letter.agenda_number}-{letter.agenda_year}.{fmt}"
    if fmt == "xlsx":
        return download_response(
            exports.receipt_xlsx(letter=letter, access=access), XLSX, name
        )
    if fmt == "pdf":
        return download_response(
            exports.receipt_pdf(letter=letter, access=access), "application/pdf", name
        )
    raise _format_invalid()


def _format_invalid() -> ValidationError:
    from django.utils.translation import gettext_lazy as _

    return ValidationError(
        "export.format_invalid",
        _("The format must be pdf or xlsx."),
        field="format",
    )


def agenda_book_download(
    *, user: Any, unit: Unit, date_from: dt.date, date_to: dt.date, fmt: str
) -> HttpResponse:
    from django.utils.translation import gettext_lazy as _

    if date_to < date_from or (date_to - date_from).days > 366:
        raise ValidationError(
            "agenda.period_invalid",
            _("Choose a period of at most one year, start before end."),
            field="date_to",
        )
    if fmt not in ("pdf", "xlsx"):
        raise _format_invalid()
    rows = agenda_book(user=user, unit=unit, date_from=date_from, date_to=date_to)
    name = f"buku-agenda-{unit.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        data = exports.agenda_book_xlsx(
            unit=unit, date_from=date_from, date_to=date_to, rows=rows
        )
        return download_response(data, XLSX, name)
    data = exports.agenda_book_pdf(
        unit=unit, date_from=date_from, date_to=date_to, rows=rows
    )
    return download_response(data, "application/pdf", name)
