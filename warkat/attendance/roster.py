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

from warkat.attendance import errors
from warkat.attendance.models import RosterEntry, Shift
from warkat.attendance.setup_services import require_configure
from warkat.audit.services import audit_record
from warkat.org.models import Person
from warkat.org.selectors import unit_find

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


@transaction.atomic
def roster_import(*, actor: Any, rows: list[RosterRow]) -> int:
    """Set the roster for the (person, day) pairs of ``rows`` (a later import of
    the same pair replaces it). Returns the number of rows written."""
    tenant = require_configure(actor)
    if not rows or len(rows) > MAX_ROWS:
        raise errors.roster_invalid(0)
    shifts = {s.name: s for s in Shift.objects.all()}
    people = Person.objects.filter(is_active=True)
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
    for number, row in enumerate(rows, start=1):
        if row.person_id is not None:
            pk = row.person_id if row.person_id in by_id else None
        else:
            pk = by_nip.get(row.nip.strip())
        name = row.shift.strip()
        if pk is None or (name and name not in shifts) or (pk, row.day) in seen:
            raise errors.roster_invalid(number)
        seen.add((pk, row.day))
        wanted.append((pk, row.day, shifts[name] if name else None))
    for person_id, day, shift in wanted:
        RosterEntry.objects.update_or_create(
            tenant=tenant, person_id=person_id, day=day, defaults={"shift": shift}
        )
    days = sorted(day for _p, day in seen)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="attendance.roster_imported",
        obj=None,
        data={"rows": len(wanted), "from": str(days[0]), "to": str(days[-1])},
    )
    return len(wanted)
