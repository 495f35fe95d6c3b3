"""Exports: the tanda terima (receipt) PDF, and the buku agenda as PDF and XLSX.

Secret letters outside the reader's chain appear with their agenda line only (number,
dates, sender and level); subject, summary, classification and addressee are blank.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from warkat.core.pdf import render_pdf
from warkat.letters.access import Access
from warkat.letters.models import Letter
from warkat.letters.selectors import AgendaRow
from warkat.org.models import Unit


def _receipt_rows(letter: Letter, access: Access) -> list[tuple[str, Any]]:
    """The receipt's fields; the subject only for those who may read the letter."""
    sender = letter.sender_institution
    if letter.sender_name:
        sender = f"{sender} — {letter.sender_name}"
    rows: list[tuple[str, Any]] = [
        (_("Agenda no."), letter.agenda_label),
        (_("Received"), letter.received_date),
        (_("Sender"), sender),
        (_("Letter number"), letter.number),
        (_("Letter date"), letter.letter_date),
        (_("Security"), letter.get_security_display()),
        (_("Urgency"), letter.get_urgency_display()),
    ]
    if access == Access.FULL:
        rows.append((_("Subject"), letter.subject))
    return rows


def receipt_pdf(*, letter: Letter, access: Access) -> bytes:
    html = render_to_string(
        "letters/pdf/receipt.html",
        {
            "letter": letter,
            "rows": _receipt_rows(letter, access),
            "printed_at": timezone.localtime(),
        },
    )
    return render_pdf(html)


def receipt_xlsx(*, letter: Letter, access: Access) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tanda Terima"
    sheet.append([_("Receipt of letter (tanda terima)"), letter.unit.name])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    for label, value in _receipt_rows(letter, access):
        sheet.append([label, value])
    sheet.append([])
    sheet.append([_("Printed"), timezone.localtime().replace(tzinfo=None)])
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 60
    return _xlsx_bytes(book)


def _xlsx_bytes(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row_values(row: AgendaRow) -> list[Any]:
    x = row.letter
    hidden = "—"
    return [
        x.agenda_number,
        x.received_date,
        x.sender_institution,
        x.number,
        x.letter_date,
        x.subject if row.full else hidden,
        (x.classification.code if x.classification else "") if row.full else hidden,
        x.get_security_display(),
        x.get_urgency_display(),
        x.addressed_position.name if row.full and x.addressed_position else hidden,
        x.status_label if row.full else hidden,
    ]


def _headers() -> list[str]:
    return [
        _("Agenda no."),
        _("Received"),
        _("Sender"),
        _("Letter number"),
        _("Letter date"),
        _("Subject"),
        _("Classification"),
        _("Security"),
        _("Urgency"),
        _("Addressed to"),
        _("Status"),
    ]


def agenda_book_pdf(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, rows: list[AgendaRow]
) -> bytes:
    html = render_to_string(
        "letters/pdf/agenda_book.html",
        {
            "unit": unit,
            "date_from": date_from,
            "date_to": date_to,
            "headers": _headers(),
            "rows": [_row_values(r) for r in rows],
            "printed_at": timezone.localtime(),
        },
    )
    return render_pdf(html)


def agenda_book_xlsx(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, rows: list[AgendaRow]
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Buku Agenda"
    sheet.append([_("Incoming agenda book"), unit.name])
    sheet.append([_("Period"), f"{date_from:%d-%m-%Y} s.d. {date_to:%d-%m-%Y}"])
    sheet.append([])
    sheet.append(_headers())
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_row_values(row))
    for column, width in zip(
        "ABCDEFGHIJK", (10, 12, 30, 24, 12, 50, 14, 16, 14, 30, 16), strict=True
    ):
        sheet.column_dimensions[column].width = width
    return _xlsx_bytes(book)
