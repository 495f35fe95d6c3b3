"""Reading an uploaded CSV or XLSX file into numbered rows, with file-level errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from warkat.core.errors import ValidationError
from warkat.org import errors
from warkat.org.imports.columns import COLUMNS, KINDS, MAX_ROWS

# --- file-level errors --------------------------------------------------------------


def _file_error(code: str, message: Any, **params: Any) -> ValidationError:
    return ValidationError(f"import.{code}", message, field="file", params=params)


def _too_large(size: int) -> ValidationError:
    return _file_error(
        "too_large",
        _("The file is %(size)s bytes; the limit is %(limit)s bytes."),
        size=size,
        limit=settings.WARKAT_IMPORT_MAX_BYTES,
    )


# --- reading ----------------------------------------------------------------------

Row = tuple[int, dict[str, Any]]


def _header(names: Iterable[Any], kind: str) -> list[str]:
    header = [
        str(n or "").strip().lower().replace(" ", "_").replace("-", "_") for n in names
    ]
    while header and not header[-1]:
        header.pop()
    known = {c.name for c in COLUMNS[kind]}
    unknown = [h or "?" for h in header if h not in known]
    if unknown:
        raise _file_error(
            "unknown_columns",
            _("Unknown columns: %(columns)s. Expected columns: %(expected)s."),
            columns=", ".join(unknown),
            expected=", ".join(c.name for c in COLUMNS[kind]),
        )
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise _file_error(
            "duplicate_columns",
            _("Columns appear twice: %(columns)s."),
            columns=", ".join(duplicated),
        )
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in header]
    if missing:
        raise _file_error(
            "missing_columns",
            _("Required columns are missing: %(columns)s."),
            columns=", ".join(missing),
        )
    return header


def _rows(header: list[str], records: Iterable[list[Any]]) -> list[Row]:
    rows: list[Row] = []
    for number, record in enumerate(records, start=2):
        if not any(str(v or "").strip() for v in record):
            continue
        if len(rows) >= MAX_ROWS:
            raise _file_error(
                "too_many_rows",
                _("The file has more than %(limit)s rows; split it."),
                limit=MAX_ROWS,
            )
        values = list(record) + [""] * (len(header) - len(record))
        rows.append((number, dict(zip(header, values, strict=False))))
    return rows


def _read_csv(data: bytes, kind: str) -> list[Row]:
    if b"\x00" in data[:4096]:
        raise _not_csv_or_xlsx()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(
            "bad_encoding",
            _(
                "The file is not UTF-8 text (first bad byte on line %(line)s). Save it "
                "as “CSV UTF-8”."
            ),
            line=data[: exc.start].count(b"\n") + 1,
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(next(reader, []), kind)
        return _rows(header, ([v.strip() for v in rec] for rec in reader))
    except csv.Error as exc:
        raise _file_error(
            "bad_csv", _("The CSV file cannot be read: %(error)s."), error=str(exc)
        ) from None


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return NumericCell(str(value))
    if isinstance(value, float):
        return NumericCell(str(int(value)) if value.is_integer() else str(value))
    return str(value).strip()


class NumericCell(str):
    """A value Excel stored as a number: fine for most columns, fatal for a NIP
    (18 digits do not fit a spreadsheet number and lose their last digits)."""


def _read_xlsx(data: bytes, kind: str) -> list[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _file_error(
            "bad_xlsx", _("The file is not a valid XLSX workbook.")
        ) from None
    try:
        sheet = book.worksheets[0]
        records = sheet.iter_rows(values_only=True)
        header = _header(next(records, ()), kind)
        return _rows(header, ([_cell(v) for v in rec] for rec in records))
    finally:
        book.close()


def _not_csv_or_xlsx() -> ValidationError:
    return _file_error(
        "bad_type", _("Upload a CSV (UTF-8) or XLSX file; this file is neither.")
    )


def import_read(*, kind: str, name: str, data: bytes) -> list[Row]:
    """Parse an uploaded file into numbered rows, or raise a file-level error."""
    if kind not in KINDS:
        raise errors.bad_choice("kind", kind, list(KINDS))
    if len(data) > settings.WARKAT_IMPORT_MAX_BYTES:
        raise _too_large(len(data))
    if not data.strip():
        raise _file_error("empty", _("The file is empty."))
    lower = (name or "").lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if lower.endswith(".xlsx") or (is_zip and not lower.endswith((".csv", ".txt"))):
        if not is_zip:
            raise _file_error("bad_xlsx", _("The file is not a valid XLSX workbook."))
        rows = _read_xlsx(data, kind)
    elif lower.endswith((".csv", ".txt")) or not lower or "." not in lower:
        if is_zip:
            raise _not_csv_or_xlsx()
        rows = _read_csv(data, kind)
    else:
        raise _not_csv_or_xlsx()
    if not rows:
        raise _file_error("no_rows", _("The file has a header but no data rows."))
    return rows
