"""Daily figures per unit and per person, computed from the source rows.

One pure function of the rows the other apps' selectors return, so that the periodic
refresh (today and yesterday) and a rebuild of any period give the same numbers. A day
is the tenant's local day. Each figure is attributed to the day its event happened,
so a closed day's figures do not change afterwards; the exceptions (a disposition
cancelled after its deadline, a number reservation voided) are accepted and a rebuild
brings them up to date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from warkat.attendance.selectors import statuses_for_figures
from warkat.audit.selectors import active_people_between
from warkat.dashboard.models import PERSON_COUNTERS, UNIT_COUNTERS
from warkat.dispositions.selectors import (
    dispositions_for_figures,
    followups_between,
    owed_for_figures,
)
from warkat.drafting.selectors import (
    drafts_for_figures,
    paper_numbers_between,
    review_returns_between,
)
from warkat.letters.selectors import incoming_registered_between
from warkat.org.selectors import assignments_overlapping, units_by_id
from warkat.tenancy.clock import tenant_zone
from warkat.tenancy.models import Tenant

_DAY = dt.timedelta(days=1)
#: States that settle a disposition when ``followed_up_at`` is not set.
_SETTLING_STATES = frozenset({"closed", "declined", "cancelled"})


@dataclass
class UnitFigures:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(UNIT_COUNTERS, 0)
    )
    read_minutes: list[int] = field(default_factory=list)
    follow_minutes: list[int] = field(default_factory=list)


@dataclass
class DayFigures:
    """The figures of a period: (unit id, day) and (person id, day) → counters."""

    units: dict[tuple[int, dt.date], UnitFigures] = field(
        default_factory=lambda: defaultdict(UnitFigures)
    )
    people: dict[tuple[int, dt.date], dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: dict.fromkeys(PERSON_COUNTERS, 0))
    )

    #: Unit id → day → change in the number of open overdue dispositions that day.
    overdue_spans: dict[int, dict[dt.date, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )

    def overdue_settle(self, first: dt.date, last: dt.date) -> None:
        """Turn the overdue spans into each unit's count at the end of each day."""
        for unit_id, changes in self.overdue_spans.items():
            running = 0
            day = first
            for change_day in sorted(changes):
                if change_day > last:
                    break
                while day < change_day:
                    if running:
                        self.add(unit_id, day, "disp_overdue_open", running)
                    day += dt.timedelta(days=1)
                running += changes[change_day]
            while day <= last:
                if running:
                    self.add(unit_id, day, "disp_overdue_open", running)
                day += dt.timedelta(days=1)

    def unit(self, unit_id: int | None, day: dt.date) -> UnitFigures | None:
        return self.units[(unit_id, day)] if unit_id is not None else None

    def add(self, unit_id: int | None, day: dt.date, key: str, n: int = 1) -> None:
        if unit_id is not None:
            self.units[(unit_id, day)].counts[key] += n

    def add_person(self, person_id: int | None, day: dt.date, key: str) -> None:
        if person_id is not None:
            self.people[(person_id, day)][key] += 1


def day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The local day as an aware ``[start, end)`` interval."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


class _Holders:
    """Who held a position on a day (definitif first, as the selector orders them)."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.by_position: dict[int, list[tuple[int, dt.date, dt.date | None]]] = (
            defaultdict(list)
        )
        self.by_person: dict[int, list[tuple[int, dt.date, dt.date | None]]] = (
            defaultdict(list)
        )
        rows = assignments_overlapping(first=first, last=last)
        for person_id, position_id, unit_id, start, end in rows:
            self.by_position[position_id].append((person_id, start, end))
            self.by_person[person_id].append((unit_id, start, end))

    @staticmethod
    def _first(
        rows: list[tuple[int, dt.date, dt.date | None]], day: dt.date
    ) -> int | None:
        for value, start, end in rows:
            if start <= day and (end is None or end >= day):
                return value
        return None

    def person_of(self, position_id: int, day: dt.date) -> int | None:
        return self._first(self.by_position.get(position_id, []), day)

    def unit_of(self, person_id: int, day: dt.date) -> int | None:
        return self._first(self.by_person.get(person_id, []), day)


def _minutes(later: dt.datetime, earlier: dt.datetime) -> int:
    return max(0, int((later - earlier).total_seconds() // 60))


def _settled_at(row: dict[str, Any]) -> dt.datetime | None:
    if row["followed_up_at"] is not None:
        return row["followed_up_at"]
    if row["state"] in _SETTLING_STATES:
        return row["state_changed_at"]
    return None


#: Rows fetched at a time when a read is streamed.
STREAM_CHUNK = 5000


def _stream[T](rows: QuerySet[Any, T]) -> Iterator[T]:
    """The rows one chunk at a time (a server-side cursor on PostgreSQL, inside the
    rebuild's transaction): a period of a large tenant is hundreds of thousands of
    rows, folded into the daily counters one by one and never held together."""
    return rows.iterator(chunk_size=STREAM_CHUNK)


class _Period:
    def __init__(self, tenant: Tenant, first: dt.date, last: dt.date) -> None:
        self.tz = tenant_zone(tenant)
        self.first, self.last = first, last
        self.start = day_bounds(first, self.tz)[0]
        self.end = day_bounds(last, self.tz)[1]

    def day(self, moment: dt.datetime | None) -> dt.date | None:
        """The local day of ``moment`` when it falls in the period."""
        if moment is None or not (self.start <= moment < self.end):
            return None
        return moment.astimezone(self.tz).date()

    def local(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()


def _letters(p: _Period, out: DayFigures) -> None:
    for unit_id, created_at, source_id in _stream(
        incoming_registered_between(start=p.start, end=p.end)
    ):
        day = p.local(created_at)
        out.add(unit_id, day, "letters_in")
        if source_id is None:
            out.add(unit_id, day, "letters_in_paper")


def _drafting(p: _Period, out: DayFigures) -> None:
    for row in _stream(drafts_for_figures(start=p.start, end=p.end)):
        unit_id = row["letter__unit_id"]
        if (day := p.day(row["created_at"])) is not None:
            out.add(unit_id, day, "drafts_created")
            out.add_person(row["drafter_id"], day, "drafts_written")
        if (day := p.day(row["signed_at"])) is not None:
            if row["signed_document_id"] is not None:
                out.add(unit_id, day, "signed_tte")
            out.add_person(row["signed_by_id"], day, "letters_signed")
        if (day := p.day(row["sent_at"])) is not None:
            out.add(unit_id, day, "letters_sent")
    for unit_id, acted_at in _stream(review_returns_between(start=p.start, end=p.end)):
        out.add(unit_id, p.local(acted_at), "review_returns")
    for unit_id, taken_at in _stream(paper_numbers_between(start=p.start, end=p.end)):
        out.add(unit_id, p.local(taken_at), "numbered_paper")


def _disposition(p: _Period, out: DayFigures, holders: _Holders, row: Any) -> None:
    to_unit = row["to_position__unit_id"]
    sent_at = row["sent_at"]
    if (day := p.day(sent_at)) is not None:
        out.add(row["from_position__unit_id"], day, "disp_made")
        out.add(to_unit, day, "disp_received")
        out.add_person(row["from_person_id"], day, "disp_made")
        out.add_person(
            holders.person_of(row["to_position_id"], day), day, "disp_received"
        )
    if (day := p.day(row["read_at"])) is not None:
        out.add(to_unit, day, "disp_read")
        figures = out.unit(to_unit, day)
        assert figures is not None
        figures.read_minutes.append(_minutes(row["read_at"], sent_at))
    if (day := p.day(row["followed_up_at"])) is not None:
        out.add(to_unit, day, "disp_followed_up")
        figures = out.unit(to_unit, day)
        assert figures is not None
        figures.follow_minutes.append(_minutes(row["followed_up_at"], sent_at))
    deadline = row["deadline"]
    if deadline is None or row["for_information"] or row["state"] == "cancelled":
        return
    settled = _settled_at(row)
    settled_day = p.local(settled) if settled is not None else None
    if p.first <= deadline <= p.last:
        holder = holders.person_of(row["to_position_id"], deadline)
        out.add(to_unit, deadline, "disp_due")
        out.add_person(holder, deadline, "disp_due")
        if settled_day is not None and settled_day <= deadline:
            out.add(to_unit, deadline, "disp_due_on_time")
            out.add_person(holder, deadline, "disp_due_on_time")
    # Overdue at the end of every day after the deadline until it is settled: kept
    # as a span, summed per unit and day once all dispositions are read.
    first = max(p.first, deadline + dt.timedelta(days=1), p.local(sent_at))
    last = p.last if settled_day is None else min(p.last, settled_day - dt.timedelta(1))
    if first <= last and to_unit is not None:
        out.overdue_spans[to_unit][first] += 1
        out.overdue_spans[to_unit][last + dt.timedelta(days=1)] -= 1


def _dispositions(p: _Period, out: DayFigures, holders: _Holders) -> None:
    rows = dispositions_for_figures(
        start=p.start, end=p.end, first_day=p.first, last_day=p.last
    )
    for row in rows:
        _disposition(p, out, holders, row)
    # The many more only still owed, counted in the database: each is overdue from
    # the first day to the day before it was closed (or to the end).
    for row in owed_for_figures(
        start=p.start, end=p.end, first_day=p.first, last_day=p.last, tz=p.tz
    ):
        settled_day = row["settled_day"]
        last = p.last if settled_day is None else min(p.last, settled_day - _DAY)
        if p.first <= last and row["unit"] is not None:
            out.overdue_spans[row["unit"]][p.first] += row["n"]
            out.overdue_spans[row["unit"]][last + _DAY] -= row["n"]
    out.overdue_settle(p.first, p.last)
    followups = followups_between(start=p.start, end=p.end)
    for person_id, created_at, deadline in _stream(followups):
        day = p.local(created_at)
        out.add_person(person_id, day, "followups")
        if deadline is None or day <= deadline:
            out.add_person(person_id, day, "followups_on_time")


def _active_users(p: _Period, out: DayFigures, holders: _Holders) -> None:
    active = active_people_between(start=p.start, end=p.end, tz=p.tz)
    for person_id, day in _stream(active):
        out.add(holders.unit_of(person_id, day), day, "active_users")


def _attendance(p: _Period, out: DayFigures, holders: _Holders, t: Tenant) -> None:
    """People by day status, counted for the unit they held a position in that day;
    their schedule is that of the unit of their first (definitif) assignment."""
    units = units_by_id(ids={rows[0][0] for rows in holders.by_person.values() if rows})
    people = {
        person_id: units[rows[0][0]].path if rows[0][0] in units else ""
        for person_id, rows in holders.by_person.items()
        if rows
    }
    for person_id, day, keys in statuses_for_figures(
        tenant=t, people=people, first=p.first, last=p.last, now=timezone.now()
    ):
        unit_id = holders.unit_of(person_id, day)
        for key in keys:
            out.add(unit_id, day, key)


def figures_compute(*, tenant: Tenant, first: dt.date, last: dt.date) -> DayFigures:
    """Every unit's and person's figures for the local days ``first``..``last`` of
    the scoped tenant. Reads only through the other apps' selectors."""
    period = _Period(tenant, first, last)
    out = DayFigures()
    holders = _Holders(first, last)
    _letters(period, out)
    _drafting(period, out)
    _dispositions(period, out, holders)
    _active_users(period, out, holders)
    _attendance(period, out, holders, tenant)
    return out
