"""Bulk import of units, positions and people (with assignments) from CSV or XLSX.

Every row goes through the same services as the UI, inside one transaction with a
savepoint per row: a dry run, or a file with any bad row, is rolled back whole, and
the report lists every row with what it did or why it failed. Rows are matched by
unit/position code and by NIP, so importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from warkat.accounts.models import Role
from warkat.accounts.permissions import require_role
from warkat.core.errors import DomainError, ValidationError
from warkat.org import cleaning, errors, services
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.tenancy.models import Tenant

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


@dataclass
class RowResult:
    row: int
    key: str
    action: str = "unchanged"  # created, updated, unchanged, error
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: list[RowResult]
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return any(r.errors for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
        for r in self.rows:
            counts[r.action] += 1
        return counts

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]


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


# --- applying rows --------------------------------------------------------------------


def _date(value: Any) -> Any:
    """Accept ISO dates and the dd/mm/yyyy form Indonesian spreadsheets produce."""
    text = str(value or "").strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return text


_TRUE = {"1", "ya", "y", "yes", "true", "benar"}
_FALSE = {"", "0", "tidak", "t", "n", "no", "false", "salah"}


def _bool(field_name: str, value: Any) -> bool:
    text = str(value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise errors.bad_choice(field_name, text, ["1", "0"])


def _unit_by_code(code: str, field_name: str) -> Unit:
    unit = Unit.objects.filter(code=code.strip().upper()).first() if code else None
    if unit is None:
        raise _missing_ref(field_name, code)
    return unit


def _position_by_code(code: str, field_name: str) -> Position:
    position = (
        Position.objects.filter(code=code.strip().upper()).first() if code else None
    )
    if position is None:
        raise _missing_ref(field_name, code)
    return position


def _missing_ref(field_name: str, code: str) -> ValidationError:
    return ValidationError(
        "import.unknown_code",
        _("%(field)s %(code)s does not exist (neither in the file nor saved)."),
        field=field_name,
        params={"field": field_name, "code": code or "—"},
    )


def _state(obj: Any, fields: Iterable[str]) -> tuple:
    return tuple(getattr(obj, f) for f in fields)


def _upsert(
    existing: Any,
    create: Callable[[], Any],
    update: Callable[..., Any],
    fields: dict[str, Any],
) -> tuple[Any, str]:
    if existing is None:
        return create(), "created"
    names = [f for f in fields if f != "parent"] + (
        ["parent_id"] if "parent" in fields else []
    )
    before = _state(existing, names)
    obj = update(**fields)
    return obj, "unchanged" if _state(obj, names) == before else "updated"


def _unit_row(tenant: Tenant, actor: Any, row: dict[str, Any]) -> str:
    code = str(row["code"]).strip().upper()
    existing = Unit.objects.filter(code=code).first() if code else None
    fields: dict[str, Any] = {
        k: row[k]
        for k in ("name", "kind", "region_code", "address", "phone", "email", "website")
        if k in row
    }
    parent_code = str(row.get("parent_code", "")).strip()
    if existing is not None and existing.parent_id is None and not parent_code:
        fields.pop("kind", None)  # the root keeps its kind and place
    else:
        fields["parent"] = (
            _unit_by_code(parent_code, "parent_code") if parent_code else None
        )

    def create() -> Unit:
        return services.unit_create(
            tenant=tenant, actor=actor, code=code, **{"region_code": None, **fields}
        )

    def update(**kw: Any) -> Unit:
        assert existing is not None
        return services.unit_update(unit=existing, actor=actor, **kw)

    return _upsert(existing, create, update, fields)[1]


def _position_row(tenant: Tenant, actor: Any, row: dict[str, Any]) -> str:
    code = str(row["code"]).strip().upper()
    existing = Position.objects.filter(code=code).first() if code else None
    fields: dict[str, Any] = {
        "name": row["name"],
        "category": row["category"],
        "unit": _unit_by_code(str(row["unit_code"]), "unit_code"),
    }
    if "eselon" in row:
        fields["eselon"] = row["eselon"]
    if "is_head" in row:
        fields["is_head"] = _bool("is_head", row["is_head"])
    if "superior_code" in row:
        sup = str(row["superior_code"]).strip()
        fields["superior"] = _position_by_code(sup, "superior_code") if sup else None

    def create() -> Position:
        return services.position_create(tenant=tenant, actor=actor, code=code, **fields)

    def update(**kw: Any) -> Position:
        assert existing is not None
        return services.position_update(position=existing, actor=actor, **kw)

    names = ["unit_id" if f == "unit" else f for f in fields]
    names = ["superior_id" if f == "superior" else f for f in names]
    if existing is None:
        create()
        return "created"
    before = _state(existing, names)
    return "unchanged" if _state(update(**fields), names) == before else "updated"


def _person_row(tenant: Tenant, actor: Any, row: dict[str, Any]) -> str:
    if isinstance(row.get("nip"), NumericCell):
        raise ValidationError(
            "import.nip_number",
            _(
                "The NIP was stored by Excel as a number and lost digits; format "
                "the NIP column as text and type it again."
            ),
            field="nip",
        )
    nip = "".join(str(row.get("nip", "")).split())
    kind = str(row["employee_type"]).strip()
    if nip:
        existing = Person.objects.filter(nip=nip).first()
    else:
        matches = list(
            Person.objects.filter(
                full_name=" ".join(str(row["full_name"]).split()),
                employee_type=kind,
                nip__isnull=True,
            )[:2]
        )
        if len(matches) > 1:
            raise ValidationError(
                "import.ambiguous_person",
                _(
                    "Several people without NIP are named %(name)s; edit them in the app."
                ),
                field="full_name",
                params={"name": row["full_name"]},
            )
        existing = matches[0] if matches else None
    fields: dict[str, Any] = {
        k: row[k]
        for k in ("full_name", "front_title", "back_title", "rank", "email", "phone")
        if k in row
    }
    fields["employee_type"] = kind
    fields["nip"] = nip or None

    def create() -> Person:
        return services.person_create(tenant=tenant, actor=actor, **fields)

    def update(**kw: Any) -> Person:
        assert existing is not None
        return services.person_update(person=existing, actor=actor, **kw)

    person, action = _upsert(existing, create, update, fields)
    position_code = str(row.get("position_code", "")).strip()
    if position_code:
        changed = _assignment(tenant, actor, person, position_code, row)
        if changed and action == "unchanged":
            action = "updated"
    elif any(str(row.get(k, "")).strip() for k in ("start_date", "assignment_kind")):
        raise errors.required("position_code")
    return action


def _assignment(
    tenant: Tenant, actor: Any, person: Person, position_code: str, row: dict[str, Any]
) -> bool:
    """Create the row's assignment unless it exists; True if anything changed."""
    position = _position_by_code(position_code, "position_code")
    kind = str(row.get("assignment_kind", "")).strip() or Assignment.Kind.DEFINITIF
    start = _date(row.get("start_date"))
    end = _date(row.get("end_date")) or None
    if not start:
        raise errors.required("start_date")
    start_day = cleaning.date("start_date", start)
    end_day = cleaning.date("end_date", end)
    existing = Assignment.objects.filter(
        person=person, position=position, kind=kind, start_date=start_day
    ).first()
    if existing is None:
        services.assignment_create(
            tenant=tenant,
            actor=actor,
            person=person,
            position=position,
            kind=kind,
            start_date=start_day,  # type: ignore[arg-type]
            end_date=end_day,
            decree_number=str(row.get("decree_number", "")),
            decree_date=_date(row.get("decree_date")) or None,  # type: ignore[arg-type]
        )
        return True
    if existing.end_date == end_day:
        return False
    if existing.end_date is None and end_day is not None:
        services.assignment_end(assignment=existing, actor=actor, end_date=end_day)
        return True
    raise errors.assignment_ended(existing.end_date)


_HANDLERS: dict[str, Callable[[Tenant, Any, dict[str, Any]], str]] = {
    "units": _unit_row,
    "positions": _position_row,
    "people": _person_row,
}
_KEY_COLUMN = {"units": "code", "positions": "code", "people": "nip"}
_DEPENDS_ON = {"units": "parent_code", "positions": "superior_code"}


def _in_dependency_order(kind: str, rows: list[Row]) -> list[Row]:
    """Parents (or superiors) defined in the same file come before their children."""
    ref = _DEPENDS_ON.get(kind)
    if ref is None:
        return rows
    by_code = {str(r["code"]).strip().upper(): (n, r) for n, r in rows}
    ordered: list[Row] = []
    placed: set[int] = set()
    visiting: set[int] = set()

    def place(item: Row) -> None:
        number, row = item
        if number in placed or number in visiting:
            return  # a cycle in the file: the services will refuse it
        visiting.add(number)
        parent = by_code.get(str(row.get(ref, "")).strip().upper())
        if parent is not None:
            place(parent)
        visiting.discard(number)
        placed.add(number)
        ordered.append(item)

    for item in rows:
        place(item)
    return ordered


def _row_error(exc: DomainError) -> dict[str, Any]:
    return {**exc.as_dict(), "field": exc.field or ""}


def import_rows(
    *,
    tenant: Tenant,
    actor: Any | None,
    kind: str,
    rows: list[Row],
    dry_run: bool,
) -> ImportReport:
    """Apply ``rows`` all-or-nothing; a dry run reports exactly what would happen."""
    if actor is not None:
        require_role(user=actor, roles={Role.TENANT_ADMIN})
    handler = _HANDLERS[kind]
    key_column = _KEY_COLUMN[kind]
    results: list[RowResult] = []
    seen: dict[str, int] = {}
    with transaction.atomic():
        for number, row in _in_dependency_order(kind, rows):
            key = str(row.get(key_column) or row.get("full_name") or "").strip()
            result = RowResult(row=number, key=key)
            results.append(result)
            if key and key.upper() in seen:
                result.action = "error"
                result.errors.append(
                    {
                        **ValidationError(
                            "import.duplicate_row",
                            _("%(key)s already appears on row %(row)s."),
                            field=key_column,
                            params={"key": key, "row": seen[key.upper()]},
                        ).as_dict(),
                        "field": key_column,
                    }
                )
                continue
            seen[key.upper()] = number
            try:
                with transaction.atomic():
                    result.action = handler(tenant, actor, row)
            except DomainError as exc:
                result.action = "error"
                result.errors.append(_row_error(exc))
        report = ImportReport(
            kind=kind, dry_run=dry_run, rows=sorted(results, key=lambda r: r.row)
        )
        if dry_run or report.has_errors:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def import_file(
    *,
    tenant: Tenant,
    actor: Any | None,
    kind: str,
    name: str,
    data: bytes,
    dry_run: bool,
) -> ImportReport:
    """Read and apply an uploaded file (see ``import_read`` and ``import_rows``)."""
    if actor is not None:
        require_role(user=actor, roles={Role.TENANT_ADMIN})
    rows = import_read(kind=kind, name=name, data=data)
    return import_rows(
        tenant=tenant, actor=actor, kind=kind, rows=rows, dry_run=dry_run
    )


# --- templates ----------------------------------------------------------------------


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
