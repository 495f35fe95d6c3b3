"""Applying rows through the same services as the UI, all or nothing, with a
report of every row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warkat.accounts.models import Role
from warkat.accounts.permissions import require_role
from warkat.core.errors import DomainError, ValidationError
from warkat.org import cleaning, errors
from warkat.org.imports.reading import NumericCell, Row, import_read
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.services.assignments import assignment_create, assignment_end
from warkat.org.services.people import person_create, person_update
from warkat.org.services.positions import position_create, position_update
from warkat.org.services.units import unit_create, unit_update
from warkat.tenancy.models import Tenant


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
        return unit_create(
            tenant=tenant, actor=actor, code=code, **{"region_code": None, **fields}
        )

    def update(**kw: Any) -> Unit:
        assert existing is not None
        return unit_update(unit=existing, actor=actor, **kw)

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
        return position_create(tenant=tenant, actor=actor, code=code, **fields)

    def update(**kw: Any) -> Position:
        assert existing is not None
        return position_update(position=existing, actor=actor, **kw)

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
        return person_create(tenant=tenant, actor=actor, **fields)

    def update(**kw: Any) -> Person:
        assert existing is not None
        return person_update(person=existing, actor=actor, **kw)

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
        assignment_create(
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
        assignment_end(assignment=existing, actor=actor, end_date=end_day)
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
