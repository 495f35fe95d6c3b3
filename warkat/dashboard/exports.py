"""The kinerja export of a unit as XLSX: one row per person with the month's
evidence and the superior's rating."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _

from warkat.dashboard.kinerja import KinerjaRow


def kinerja_xlsx(*, rows: list[KinerjaRow], unit_name: str, month: dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kinerja"
    sheet.append([_("Performance (kinerja)"), unit_name, month.strftime("%Y-%m")])
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append(
        [
            _("Name"),
            _("NIP"),
            _("Position"),
            _("Dispositions received"),
            _("Dispositions due"),
            _("Followed up by the deadline"),
            _("Follow-up reports"),
            _("Drafts written"),
            _("Letters signed"),
            _("Dispositions made"),
            _("Rating"),
            _("Note"),
        ]
    )
    for row in rows:
        c = row.evidence.counts
        a = row.assessment
        sheet.append(
            [
                row.person.display_name,
                row.person.nip or "",
                ", ".join(p.name for p in row.positions),
                c["disp_received"],
                c["disp_due"],
                c["disp_due_on_time"],
                c["followups"],
                c["drafts_written"],
                c["letters_signed"],
                c["disp_made"],
                a.get_rating_display() if a else "",
                # A note starting with "=" would be a formula in a spreadsheet.
                ("'" + a.note if a.note[:1] in "=+-@" else a.note) if a else "",
            ]
        )
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["C"].width = 32
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
