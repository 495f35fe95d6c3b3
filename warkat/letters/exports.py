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


def receipt_pdf(*, letter: Letter, access: Access) -> bytes:
    html = render_to_string(
        "letters/pdf/receipt.html",
        {
            "letter": letter,
            "full": access == Access.FULL,
            "printed_at": timezone.localtime(),
        },
    )
    return render_pdf(html)


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
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
