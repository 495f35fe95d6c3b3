"""Working time: the tenant's settings, whose schedule applies to a unit on a day,
and which days are working days (holidays from the disposition calendar).

Everything is in the tenant's time zone (Keerom: WIT), never the server's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from warkat.attendance.models import (
    AttendanceSettings,
    RosterEntry,
    Shift,
    WorkSchedule,
    WorkScheduleDay,
)
from warkat.attendance.rules import NATIONAL_WEEK, PP94_STEPS
from warkat.dispositions.calendar import national_holidays, tenant_holidays
from warkat.tenancy.clock import tenant_zone
from warkat.tenancy.models import Tenant


def local_today(tenant: Tenant) -> dt.date:
    return timezone.localdate(timezone=tenant_zone(tenant))


def local_date(tenant: Tenant, at: dt.datetime) -> dt.date:
    return at.astimezone(tenant_zone(tenant)).date()


def attendance_settings(tenant: Tenant) -> AttendanceSettings:
    """The tenant's settings, or the national defaults (unsaved) when it has none."""
    found = AttendanceSettings.objects.filter(tenant=tenant).first()
    if found is None:
        found = AttendanceSettings(tenant=tenant, discipline_steps=PP94_STEPS)
    if not found.discipline_steps:
        found.discipline_steps = PP94_STEPS
    return found


@dataclass(frozen=True)
class DayPlan:
    start: dt.datetime
    end: dt.datetime


#: A night shift's check-out still belongs to the shift's day until this long
#: after the shift's end (overtime, a late hand-over).
SHIFT_GRACE = dt.timedelta(hours=4)


def shift_plan(shift: Shift, day: dt.date, tz: dt.tzinfo) -> DayPlan:
    """The shift worked on ``day``; a night shift ends the next day."""
    end_day = day + dt.timedelta(days=1) if shift.crosses_midnight else day
    return DayPlan(
        start=dt.datetime.combine(day, shift.start, tzinfo=tz),
        end=dt.datetime.combine(end_day, shift.end, tzinfo=tz),
    )


def record_day(tenant: Tenant, person_id: int, at: dt.datetime) -> dt.date:
    """The day a record at ``at`` counts for: its local date, except the end of a
    rostered night shift begun the day before (the check-out at 07:00 belongs to
    the shift that started at 21:00)."""
    tz = tenant_zone(tenant)
    local = at.astimezone(tz).date()
    before = local - dt.timedelta(days=1)
    entry = (
        RosterEntry.objects.filter(person_id=person_id, day=before)
        .select_related("shift")
        .first()
    )
    if entry is None or entry.shift is None or not entry.shift.crosses_midnight:
        return local
    if at <= shift_plan(entry.shift, before, tz).end + SHIFT_GRACE:
        return before
    return local


def _time(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


_NATIONAL = {w: (_time(s), _time(e)) for w, (s, e, _b) in NATIONAL_WEEK.items()}


class ScheduleBook:
    """All the tenant's schedules and holidays for a span, read once; answers "when
    does this unit work on this day" without further queries (boards, recaps)."""

    def __init__(self, tenant: Tenant, start: dt.date, end: dt.date) -> None:
        self.tenant = tenant
        self.tz = tenant_zone(tenant)
        self.holidays = set(tenant_holidays(start, end))
        for year in range(start.year, end.year + 1):
            self.holidays |= national_holidays(year)
        schedules = {s.pk: s for s in WorkSchedule.objects.filter(tenant=tenant)}
        self.weeks: dict[int, dict[int, tuple[dt.time, dt.time]]] = {
            pk: {} for pk in schedules
        }
        for row in WorkScheduleDay.objects.filter(schedule_id__in=list(schedules)):
            self.weeks[row.schedule_id][row.weekday] = (row.start, row.end)
        # unit id (None = tenant) → [dated schedules], [undated schedules]
        self.by_unit: dict[
            int | None, tuple[list[WorkSchedule], list[WorkSchedule]]
        ] = {}
        for s in schedules.values():
            dated, undated = self.by_unit.setdefault(s.unit_id, ([], []))
            (dated if s.valid_from else undated).append(s)
        self.start, self.end = start, end
        # (person, day) → the rostered shift (None: a rostered day off).
        self.roster: dict[tuple[int, dt.date], Shift | None] = {}

    def load_roster(
        self, person_ids: set[int], among: QuerySet[Any] | None = None
    ) -> None:
        """Read the rosters of ``person_ids`` over the book's span (one query;
        ``among``: a subquery of person ids to filter by in SQL instead)."""
        rows = RosterEntry.objects.filter(
            person_id__in=person_ids if among is None else among,
            day__gte=self.start,
            day__lte=self.end,
        ).select_related("shift")
        for row in rows:
            if row.person_id in person_ids:
                self.roster[(row.person_id, row.day)] = row.shift

    def is_holiday(self, day: dt.date) -> bool:
        return day in self.holidays

    def _week(self, day: dt.date, unit_path: str) -> dict[int, tuple[dt.time, dt.time]]:
        chain: list[int | None] = [int(p) for p in reversed(unit_path.split("/")) if p]
        chain.append(None)
        # Dated overrides (Ramadan) first, nearest unit first; then regular hours.
        for unit_id in chain:
            dated = self.by_unit.get(unit_id, ([], []))[0]
            for s in dated:
                assert s.valid_from is not None and s.valid_to is not None
                if s.valid_from <= day <= s.valid_to:
                    return self.weeks[s.pk]
        for unit_id in chain:
            undated = self.by_unit.get(unit_id, ([], []))[1]
            if undated:
                return self.weeks[undated[0].pk]
        return _NATIONAL

    def plan(
        self, day: dt.date, unit_path: str = "", person_id: int | None = None
    ) -> DayPlan | None:
        """Working hours of a unit (or of a rostered person) on ``day``; None on a
        day off. A roster entry (loaded by ``load_roster``) wins over the unit's
        hours and holidays."""
        if person_id is not None and (person_id, day) in self.roster:
            shift = self.roster[(person_id, day)]
            return None if shift is None else shift_plan(shift, day, self.tz)
        if day in self.holidays:
            return None
        hours = self._week(day, unit_path).get(day.weekday())
        if hours is None:
            return None
        start, end = hours
        return DayPlan(
            start=dt.datetime.combine(day, start, tzinfo=self.tz),
            end=dt.datetime.combine(day, end, tzinfo=self.tz),
        )

    def working_days(self, start: dt.date, end: dt.date, unit_path: str = "") -> int:
        day, count = start, 0
        while day <= end:
            if self.plan(day, unit_path) is not None:
                count += 1
            day += dt.timedelta(days=1)
        return count
