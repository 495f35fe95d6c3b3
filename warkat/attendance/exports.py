"""The monthly recap as XLSX and PDF (WeasyPrint through the core helper)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from warkat.attendance import errors
from warkat.attendance.pdftable import table_pdf
from warkat.attendance.recap import Recap
from warkat.attendance.status import DayStatus
from warkat.core.http import download_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Statuses shown as columns, in this order.
COLUMNS = [
    DayStatus.HADIR, DayStatus.TL, DayStatus.PSW, DayStatus.TL_PSW, DayStatus.TK,
    DayStatus.IZIN, DayStatus.SAKIT, DayStatus.CUTI_TAHUNAN, DayStatus.CUTI_BESAR,
    DayStatus.CUTI_SAKIT, DayStatus.CUTI_MELAHIRKAN, DayStatus.CUTI_ALASAN_PENTING,
    DayStatus.CUTI_BERSAMA, DayStatus.CUTI_CLTN, DayStatus.DINAS_LUAR,
]  # fmt: skip


def _header() -> list[str]:
    return [
        _("Name"), "NIP", _("Position"), _("Unit"),
        *[str(s.label) for s in COLUMNS],
        "TL1", "TL2", "TL3", "TL4", "PSW1", "PSW2", "PSW3", "PSW4",
        _("Minutes late"), _("Minutes early"), _("TPP cut (%)"),
    ]  # fmt: skip


def _rows(recap: Recap) -> list[list[object]]:
    return [
        [
            r.person.display_name,
            r.person.nip or "",
            r.position,
            r.unit,
            *[r.statuses[s] for s in COLUMNS],
            *r.tl,
            *r.psw,
            r.late_min,
            r.early_min,
            float(r.cut_pct),
        ]
        for r in recap.rows
    ]


def recap_xlsx(recap: Recap) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Attendance recap"))
    sheet.append([f"{recap.unit.name} · {recap.first:%Y-%m}"])
    sheet.append(_header())
    for row in _rows(recap):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def recap_pdf(recap: Recap) -> bytes:
    """The recap as a PDF table (written directly: HTML layout of 5,000 rows of
    31 columns takes minutes)."""
    title = " · ".join(
        [_("Attendance recap"), recap.unit.name, date_format(recap.first, "F Y")]
    )
    return table_pdf(title, _header(), _rows(recap), text_columns=4)


def recap_download(recap: Recap, fmt: str) -> HttpResponse:
    """The recap as an attachment: ``fmt`` xlsx or pdf (anything else is 422)."""
    name = f"rekap-absen-{recap.unit.code}-{recap.first:%Y-%m}"
    if fmt == "pdf":
        return download_response(recap_pdf(recap), "application/pdf", f"{name}.pdf")
    if fmt != "xlsx":
        raise errors.format_invalid()
    return download_response(recap_xlsx(recap), XLSX, f"{name}.xlsx")
