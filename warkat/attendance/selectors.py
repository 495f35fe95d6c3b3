"""Reads of attendance: a person's records, today's board of a unit, flagged records
to review. Other apps read attendance only through this module."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from warkat.attendance import errors
from warkat.attendance.access import (
    actor_person,
    below_position_ids,
    is_personnel_office,
    require_see_unit,
)
from warkat.attendance.models import (
    AttendanceRequest,
    CheckIn,
    RequestState,
    Review,
    WorkLocation,
    WorkSchedule,
)
from warkat.attendance.schedule import ScheduleBook, local_today
from warkat.attendance.status import AWAY, PRESENT, Day, DayStatus, days_of
from warkat.org.models import Person, Unit
from warkat.org.selectors import (
    Holder,
    current_positions,
    holders_of,
    people_filter,
    subtree_holders,
    subtree_people,
    unit_find,
)
from warkat.tenancy.clock import tenant_zone
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import current_tenant


def own_day(*, actor: Any, day: dt.date | None) -> tuple[Person, dt.date]:
    """The actor's person and the day asked for (today in the tenant's zone)."""
    tenant = current_tenant()
    assert tenant is not None
    return actor_person(actor), day or local_today(tenant)


def my_records(*, person: Person, day: dt.date) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(person=person, day=day)
        .select_related("location")
        .order_by("at", "pk")
    )


def visible_unit(*, actor: Any, unit_id: int | None) -> Unit:
    """The unit whose board ``actor`` asks for (their own unit when not given)."""
    unit = unit_find(unit_id=unit_id) if unit_id is not None else None
    if unit_id is None and actor.person_id:
        held = current_positions(person_ids={actor.person_id})[actor.person_id]
        unit = held[0].position.unit if held else None
    if unit is None:
        raise errors.unit_not_found()
    require_see_unit(actor, unit)
    return unit


@dataclass
class BoardRow:
    person: Holder
    position: str
    unit: str
    day: Day


@dataclass
class Board:
    unit: Unit
    day: dt.date
    rows: list[BoardRow]
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def present(self) -> int:
        return sum(self.counts[s] for s in PRESENT)

    @property
    def late(self) -> int:
        return self.counts[DayStatus.TL] + self.counts[DayStatus.TL_PSW]

    @property
    def away(self) -> int:
        return sum(self.counts[s] for s in AWAY)

    @property
    def not_here(self) -> list[BoardRow]:
        """Who is not at work and why: absent, away, not yet in; late ones too."""
        order: dict[str, int] = {DayStatus.TK: 0, DayStatus.BELUM: 1}
        rows = [
            r
            for r in self.rows
            if r.day.status not in (DayStatus.HADIR, DayStatus.LIBUR, DayStatus.PSW)
        ]
        return sorted(rows, key=lambda r: (order.get(r.day.status, 2), r.day.status))


def unit_people(
    unit: Unit, today: dt.date
) -> tuple[list[Person], dict[int, list[Any]], dict[int, str]]:
    """Everyone holding a position in ``unit``'s subtree, their positions today
    and the path of the unit each one counts in (the one inside ``unit``)."""
    people = list(people_filter(unit=unit))
    held = current_positions(person_ids={p.pk for p in people}, on=today)
    paths: dict[int, str] = {}
    for p in people:
        inside = [a for a in held[p.pk] if a.position.unit.path.startswith(unit.path)]
        paths[p.pk] = (inside or held[p.pk])[0].position.unit.path if held[p.pk] else ""
    return people, held, paths


def board_today(*, actor: Any, unit: Unit, now: dt.datetime | None = None) -> Board:
    """Today's status of everyone holding a position in ``unit``'s subtree."""
    tenant = current_tenant()
    assert tenant is not None
    now = now or timezone.now()
    today = now.astimezone(tenant_zone(tenant)).date()
    require_see_unit(actor, unit)
    # Tuples, not model instances: a unit of 5,000 people is one query here.
    people = subtree_holders(unit=unit, on=today)
    paths = {p.pk: p.inside_path for p in people}
    book = ScheduleBook(tenant, today, today)
    days = days_of(
        book=book,
        people=paths,
        start=today,
        end=today,
        now=now,
        among=subtree_people(unit=unit, on=today),
    )
    rows = []
    counts: Counter[str] = Counter()
    for p in people:
        d = days[p.pk][today]
        counts[d.status] += 1
        rows.append(BoardRow(person=p, position=p.position, unit=p.unit, day=d))
    return Board(unit=unit, day=today, rows=rows, counts=counts)


def records_to_review(*, actor: Any, limit: int = 100) -> list[CheckIn]:
    """Flagged records awaiting a decision that ``actor`` may take (oldest first)."""
    pending = (
        CheckIn.objects.filter(review=Review.PENDING)
        .select_related("person", "location", "selfie")
        .order_by("at", "pk")
    )
    if not is_personnel_office(actor):
        below = below_position_ids(actor)
        if not below:
            return []
        pending = pending.filter(person_id__in=holders_of(position_ids=below))
    return list(pending.exclude(person_id=actor.person_id or 0)[:limit])


def requests_of(*, person: Person) -> QuerySet[AttendanceRequest]:
    return AttendanceRequest.objects.filter(person=person).order_by(
        "-start_date", "-pk"
    )


def requests_to_decide(*, actor: Any) -> list[AttendanceRequest]:
    """Pending requests addressed to positions ``actor`` holds today."""
    person = actor_person(actor)
    held = current_positions(person_ids={person.pk})[person.pk]
    return list(
        AttendanceRequest.objects.filter(
            approver_position_id__in=[a.position_id for a in held],
            state=RequestState.PENDING,
        )
        .exclude(person=person)
        .select_related("person")
        .prefetch_related("documents")
        .order_by("created_at", "pk")
    )


def locations_list() -> QuerySet[WorkLocation]:
    return WorkLocation.objects.order_by("unit_id", "name", "pk")


def schedules_list() -> QuerySet[WorkSchedule]:
    return WorkSchedule.objects.prefetch_related("days").order_by(
        "unit_id", "valid_from", "pk"
    )


# --- for other apps (the command centre's daily figures) ----------------------------

#: The attendance figures kept per unit and day elsewhere, and the day statuses each
#: counts: late days are present days too; leave is izin, sakit and every cuti.
FIGURE_GROUPS: dict[str, frozenset[str]] = {
    "att_present": frozenset(PRESENT),
    "att_late": frozenset({DayStatus.TL, DayStatus.TL_PSW}),
    "att_absent": frozenset({DayStatus.TK}),
    "att_leave": frozenset(AWAY - {DayStatus.DINAS_LUAR}),
    "att_duty": frozenset({DayStatus.DINAS_LUAR}),
}


def statuses_for_figures(
    *,
    tenant: Tenant,
    people: dict[int, str],
    first: dt.date,
    last: dt.date,
    now: dt.datetime,
) -> Iterator[tuple[int, dt.date, tuple[str, ...]]]:
    """Each day of ``first``..``last`` (up to today) of ``people`` (person id → the
    path of their unit, for the schedule) as (person id, day, the ``FIGURE_GROUPS``
    keys its status counts for); days counting for none (off, not yet in) are left
    out. The same derivation as the board and the recap, read once for all."""
    book = ScheduleBook(tenant, first, last)
    days = days_of(book=book, people=people, start=first, end=last, now=now)
    for person_id, by_day in days.items():
        for day, status in by_day.items():
            keys = tuple(k for k, s in FIGURE_GROUPS.items() if status.status in s)
            if keys:
                yield person_id, day, keys
