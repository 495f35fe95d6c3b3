"""Reading an uploaded table (CSV or XLSX) against a data request's typed columns.

Every problem is reported with its row and column, all at once (up to a limit), and
nothing is kept unless the whole file is valid. Formula cells are refused: a
published table must hold values, and a formula would run in the reader's
spreadsheet. Oversized files are refused before they are read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warkat.core.errors import ValidationError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_TEXT = 500
#: Problems reported per upload at most (the rest are counted).
MAX_PROBLEMS = 50
COLUMN_TYPES = ("text", "integer", "decimal", "date")
_INTEGER = re.compile(r"-?\d{1,18}")
_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def _fail(code: str, message: Any, details: list[dict[str, Any]] | None = None) -> None:
    raise ValidationError(code, message, field="file", details=details)


def _cell(value: Any, kind: str) -> tuple[Any, str | None]:
    """The cell as stored (JSON), or an error message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("="):
            return None, _("a formula is not allowed; enter the value")
    if kind == "text":
        text = str(value)
        if len(text) > MAX_TEXT:
            return None, _("longer than %(n)s characters") % {"n": MAX_TEXT}
        return text, None
    if kind == "integer":
        if isinstance(value, bool):
            return None, _("not a whole number")
        if isinstance(value, float) and value.is_integer():
            return int(value), None
        if isinstance(value, int):
            return value, None
        text = str(value)
        # "1.234.567": Indonesian thousands separators.
        if _THOUSANDS.fullmatch(text):
            text = text.replace(".", "")
        if not _INTEGER.fullmatch(text):
            return None, _("not a whole number")
        return int(text), None
    if kind == "decimal":
        raw = str(value).replace(",", ".") if isinstance(value, str) else str(value)
        try:
            number = Decimal(raw)
        except InvalidOperation:
            return None, _("not a number")
        if not number.is_finite():
            return None, _("not a number")
        return str(number), None
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(str(value), fmt).date().isoformat(), None
        except ValueError:
            continue
    return None, _("not a date (YYYY-MM-DD or DD/MM/YYYY)")


def _read_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail("dataset.encoding", gettext_lazy("The CSV file must be UTF-8 text."))
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        _fail("dataset.unreadable", gettext_lazy("The XLSX file cannot be read."))
    sheet = book.worksheets[0]
    rows = []
    for row in sheet.iter_rows():
        values = []
        for cell in row:
            if getattr(cell, "data_type", "") == "f":
                values.append("=" + str(cell.value).lstrip("="))
            else:
                values.append(cell.value)
        rows.append(values)
        if len(rows) > MAX_ROWS + 1:
            break
    book.close()
    return rows


def table_read(
    *, name: str, data: bytes, size: int, columns: list[dict[str, str]]
) -> list[list[Any]]:
    """The file's data rows as typed values in the columns' order, or a
    ``ValidationError`` listing every problem by row and column."""
    if size > MAX_BYTES:
        _fail("dataset.too_large", gettext_lazy("The file is larger than 5 MB."))
    lower = name.lower()
    if lower.endswith(".csv"):
        raw = _read_csv(data)
    elif lower.endswith(".xlsx"):
        raw = _read_xlsx(data)
    else:
        _fail("dataset.format", gettext_lazy("Upload a CSV or XLSX file."))
    raw = [r for r in raw if any(v not in (None, "") for v in r)]
    if not raw:
        _fail("dataset.empty", gettext_lazy("The file has no header row."))
    header = [str(v).strip().lower() if v is not None else "" for v in raw[0]]
    wanted = [c["name"].strip().lower() for c in columns]
    missing = [c["name"] for c in columns if c["name"].strip().lower() not in header]
    extra = [h for h in header if h and h not in wanted]
    if missing or extra:
        details = [
            {"row": 1, "column": m, "message": _("column missing")} for m in missing
        ] + [{"row": 1, "column": e, "message": _("unknown column")} for e in extra]
        _fail(
            "dataset.columns",
            gettext_lazy("The header row does not match the requested columns."),
            details,
        )
    if len(raw) - 1 > MAX_ROWS:
        _fail("dataset.too_many_rows", gettext_lazy("The file has too many rows."))
    index = [header.index(w) for w in wanted]
    rows: list[list[Any]] = []
    problems: list[dict[str, Any]] = []
    for number, source in enumerate(raw[1:], start=2):
        row = []
        for column, position in zip(columns, index, strict=True):
            value = source[position] if position < len(source) else None
            cell, problem = _cell(value, column["type"])
            if problem:
                problems.append(
                    {"row": number, "column": column["name"], "message": problem}
                )
            row.append(cell)
        rows.append(row)
    if problems:
        _fail(
            "dataset.invalid",
            gettext_lazy("Some cells are not valid; nothing was saved."),
            problems[:MAX_PROBLEMS],
        )
    return rows
