"""Shifts and rosters for units that work in shifts (hospital, fire service,
Satpol PP): defining a shift, and importing a roster (who works which shift on
which day) that overrides the unit's working hours for those people and days.

An import is all or nothing: one bad row refuses the whole batch with its row
number, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from warkat.accounts.models import Role
from warkat.attendance import errors
from warkat.attendance.access import may_see_unit
from warkat.attendance.models import RosterEntry, Shift
from warkat.attendance.setup_services import require_configure
from warkat.audit.services import audit_record
from warkat.core.errors import PermissionDenied
from warkat.org.models import Person, Unit
from warkat.org.selectors import people_filter, unit_find
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import current_tenant

#: Rows one import may hold (a month of a large hospital).
MAX_ROWS = 20_000


@dataclass(frozen=True)
class RosterRow:
    day: dt.date
    shift: str  # a shift's name; "" = a rostered day off
    person_id: int | None = None
    nip: str = ""


@transaction.atomic
def shift_create(
    *,
    actor: Any,
    name: str,
    start: dt.time,
    end: dt.time,
    unit_id: int | None = None,
) -> Shift:
    """A shift; ``end`` not after ``start`` ends the next day (night shift)."""
    tenant = require_configure(actor)
    unit = None
    if unit_id is not None:
        unit = unit_find(unit_id=unit_id)
        if unit is None:
            raise errors.unit_not_found()
    clean = name.strip()[:60]
    if not clean:
        raise errors.setting_invalid("name")
    if start == end:
        raise errors.setting_invalid("end")
    if Shift.objects.filter(name=clean).exists():
        raise errors.setting_invalid("name")
    shift = Shift.objects.create(
        tenant=tenant, unit=unit, name=clean, start=start, end=end
    )
    audit_record(
        tenant=tenant, actor=actor, action="attendance.shift_created", obj=shift
    )
    return shift


def roster_editor(actor: Any, unit: Unit | None) -> Tenant:
    """The tenant admin and the personnel office edit every roster; the head of
    a unit (or of a unit above it, Plt/Plh included) that unit's people."""
    tenant = current_tenant()
    assert tenant is not None
    if actor is not None and actor.has_role(Role.TENANT_ADMIN, Role.KEPEGAWAIAN):
        return tenant
    if actor is None or unit is None or not may_see_unit(actor, unit):
        raise errors.forbidden()
    return tenant


def may_edit_roster(actor: Any, unit: Unit | None) -> bool:
    try:
        roster_editor(actor, unit)
    except PermissionDenied:
        return False
    return True


#: Why a row was refused (``details`` of the error: {"row", "problem"}).
PROBLEMS = ("person", "shift", "duplicate")


def _resolve(
    rows: list[RosterRow], people: QuerySet[Person]
) -> tuple[list[tuple[int, dt.date, Shift | None]], list[dict[str, Any]]]:
    shifts = {s.name: s for s in Shift.objects.all()}
    by_id = set(
        people.filter(pk__in={r.person_id for r in rows if r.person_id}).values_list(
            "pk", flat=True
        )
    )
    by_nip = dict(
        people.filter(
            nip__in={r.nip.strip() for r in rows if r.nip.strip()}
        ).values_list("nip", "pk")
    )
    seen: set[tuple[int, dt.date]] = set()
    wanted: list[tuple[int, dt.date, Shift | None]] = []
    problems: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        if row.person_id is not None:
            pk = row.person_id if row.person_id in by_id else None
        else:
            pk = by_nip.get(row.nip.strip())
        name = row.shift.strip()
        problem = (
            "person" if pk is None
            else "shift" if name and name not in shifts
            else "duplicate" if (pk, row.day) in seen
            else ""
        )  # fmt: skip
        if problem or pk is None:
            problems.append({"row": number, "problem": problem})
            continue
        seen.add((pk, row.day))
        wanted.append((pk, row.day, shifts[name] if name else None))
    return wanted, problems


def _scope(unit: Unit | None) -> QuerySet[Person]:
    people = Person.objects.filter(is_active=True)
    return people_filter(unit=unit) if unit is not None else people


def roster_problems(
    *, actor: Any, rows: list[RosterRow], unit: Unit | None = None
) -> list[dict[str, Any]]:
    """The rows an import would refuse ({"row", "problem"}), writing nothing."""
    roster_editor(actor, unit)
    return _resolve(rows, _scope(unit))[1]


@transaction.atomic
def roster_import(
    *,
    actor: Any,
    rows: list[RosterRow],
    unit: Unit | None = None,
    clear: list[tuple[int, dt.date]] | None = None,
) -> int:
    """Set the roster for the (person, day) pairs of ``rows`` (a later import of
    the same pair replaces it). Returns the number of rows written. A unit's
    head may set only the people of that unit; every bad row is reported (in the
    error's details) and nothing is written."""
    tenant = roster_editor(actor, unit)
    if (not rows and not clear) or len(rows) > MAX_ROWS:
        raise errors.roster_invalid(0)
    people = _scope(unit)
    wanted, problems = _resolve(rows, people)
    if problems:
        raise errors.roster_invalid(problems[0]["row"], problems)
    if clear:
        allowed = set(
            people.filter(pk__in={p for p, _d in clear}).values_list("pk", flat=True)
        )
        for person_id, day in clear:
            if person_id not in allowed:
                raise errors.forbidden()
            RosterEntry.objects.filter(person_id=person_id, day=day).delete()
    for person_id, day, shift in wanted:
        RosterEntry.objects.update_or_create(
            tenant=tenant, person_id=person_id, day=day, defaults={"shift": shift}
        )
    days = sorted([day for _p, day, _s in wanted] + [d for _p, d in clear or []])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="attendance.roster_imported",
        obj=None,
        data={
            "rows": len(wanted),
            "cleared": len(clear or []),
            "from": str(days[0]),
            "to": str(days[-1]),
            "unit": unit.pk if unit else None,
        },
    )
    return len(wanted)


def roster_month(
    *, unit: Unit, first: dt.date, last: dt.date
) -> tuple[list[Person], dict[tuple[int, dt.date], Shift | None]]:
    """The people of ``unit``'s subtree and their roster entries in the span."""
    people = list(people_filter(unit=unit)[:500])
    entries = RosterEntry.objects.filter(
        person_id__in=[p.pk for p in people], day__gte=first, day__lte=last
    ).select_related("shift")
    return people, {(e.person_id, e.day): e.shift for e in entries}


def roster_of(*, person: Person, first: dt.date, last: dt.date) -> list[RosterEntry]:
    return list(
        RosterEntry.objects.filter(person=person, day__gte=first, day__lte=last)
        .select_related("shift")
        .order_by("day")
    )


def shifts_for(unit: Unit | None) -> list[Shift]:
    """Shifts a unit may use: the tenant's and those of the unit or above it."""
    ids = [int(p) for p in unit.path.split("/") if p] if unit else []
    return list(
        Shift.objects.filter(Q(unit__isnull=True) | Q(unit_id__in=ids)).order_by(
            "start", "name"
        )
    )
