"""The columns of each kind of import file, and the blank templates built from them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_ROWS = 20_000
KINDS = ("units", "positions", "people")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str | Promise
    example: str = ""


COLUMNS: dict[str, list[Column]] = {
    "units": [
        Column(
            "code",
            True,
            _("Unique unit code: capitals, digits, dots."),
            "DISKOMINFO.TIK",
        ),
        Column("name", True, _("Unit name."), "Bidang Teknologi Informasi"),
        Column(
            "kind",
            True,
            _("Unit kind, e.g. dinas, badan, bidang, subbagian, desa."),
            "bidang",
        ),
        Column(
            "parent_code",
            True,
            _("Code of the parent unit (PEMDA for an OPD); empty only for the root."),
            "DISKOMINFO",
        ),
        Column(
            "region_code",
            False,
            _("Kemendagri region code (districts and villages)."),
            "",
        ),
        Column("address", False, _("Address."), ""),
        Column("phone", False, _("Phone number."), ""),
        Column("email", False, _("E-mail address."), ""),
        Column("website", False, _("Website."), ""),
    ],
    "positions": [
        Column("code", True, _("Unique position code."), "KABID.DISKOMINFO.TIK"),
        Column("name", True, _("Position name."), "Kepala Bidang Teknologi Informasi"),
        Column(
            "unit_code",
            True,
            _("Code of the unit the position belongs to."),
            "DISKOMINFO.TIK",
        ),
        Column(
            "category",
            True,
            _("kepala_daerah, jpt, administrator, pengawas, pelaksana or fungsional."),
            "administrator",
        ),
        Column(
            "eselon",
            False,
            _("Echelon, e.g. II.b, III.a, IV.a; empty if none."),
            "III.b",
        ),
        Column(
            "superior_code",
            False,
            _("Code of the superior position."),
            "KADIS.DISKOMINFO",
        ),
        Column("is_head", False, _("1 if this is the head of its unit, else 0."), "1"),
    ],
    "people": [
        Column(
            "nip",
            False,
            _(
                "18-digit NIP (required for PNS and PPPK); format the column as text in Excel."
            ),
            "198005172005032001",
        ),
        Column("full_name", True, _("Name without titles."), "Maria Yikwa"),
        Column("front_title", False, _("Title before the name, e.g. dr., Drs."), "dr."),
        Column(
            "back_title", False, _("Titles after the name, e.g. S.Kom., M.T."), "M.Kes"
        ),
        Column(
            "employee_type", True, _("pns, pppk, non_asn or pejabat_politik."), "pns"
        ),
        Column(
            "rank",
            False,
            _("Golongan: I/a to IV/e for PNS, I to XVII for PPPK."),
            "III/c",
        ),
        Column("email", False, _("E-mail address."), ""),
        Column("phone", False, _("Phone number."), ""),
        Column(
            "position_code",
            False,
            _("Position to assign the person to (optional)."),
            "KABID.DISKOMINFO.TIK",
        ),
        Column(
            "assignment_kind",
            False,
            _("definitif, plt or plh (default definitif)."),
            "definitif",
        ),
        Column(
            "start_date",
            False,
            _("Assignment start date, YYYY-MM-DD (required with a position)."),
            "2024-01-02",
        ),
        Column(
            "end_date", False, _("Assignment end date, YYYY-MM-DD; empty if open."), ""
        ),
        Column(
            "decree_number", False, _("Decree (SK) number."), "821.2/101/BKPSDM/2024"
        ),
        Column("decree_date", False, _("Decree date, YYYY-MM-DD."), "2023-12-27"),
    ],
}


def template_csv(kind: str) -> bytes:
    """A CSV with the header and one example row, for the admin to fill in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.name for c in COLUMNS[kind]])
    writer.writerow([c.example for c in COLUMNS[kind]])
    return out.getvalue().encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """The same as an XLSX workbook, every column formatted as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind
    sheet.append([c.name for c in COLUMNS[kind]])
    sheet.append([c.example for c in COLUMNS[kind]])
    for column in sheet.iter_cols(min_row=1, max_row=200):
        for cell in column:
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
