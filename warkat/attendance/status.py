"""Each person's day: one status derived from the records, the approved absences and
official duty (signed surat tugas), with minutes late and early.

Derived when read, never stored: a late approval or a review decision changes the
day without anything to recompute.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from warkat.attendance.duty import duty_days
from warkat.attendance.models import (
    ABSENCE_KINDS,
    AttendanceRequest,
    CheckIn,
    Direction,
    RequestKind,
    RequestState,
    Review,
)
from warkat.attendance.schedule import DayPlan, ScheduleBook


class DayStatus(models.TextChoices):
    HADIR = "hadir", _("Present")
    TL = "tl", _("Late (TL)")
    PSW = "psw", _("Left early (PSW)")
    TL_PSW = "tl_psw", _("Late and left early")
    TK = "tk", _("Absent without reason (TK)")
    BELUM = "belum", _("Not checked in yet")
    LIBUR = "libur", _("Day off")
    IZIN = RequestKind.IZIN.value, _("Permission (izin)")
    SAKIT = RequestKind.SAKIT.value, _("Sick (sakit)")
    CUTI_TAHUNAN = RequestKind.CUTI_TAHUNAN.value, _("Annual leave")
    CUTI_BESAR = RequestKind.CUTI_BESAR.value, _("Long leave (cuti besar)")
    CUTI_SAKIT = RequestKind.CUTI_SAKIT.value, _("Sick leave")
    CUTI_MELAHIRKAN = RequestKind.CUTI_MELAHIRKAN.value, _("Maternity leave")
    CUTI_ALASAN_PENTING = (
        RequestKind.CUTI_ALASAN_PENTING.value,
        _("Leave for important reasons"),
    )
    CUTI_BERSAMA = RequestKind.CUTI_BERSAMA.value, _("Collective leave (cuti bersama)")
    CUTI_CLTN = (
        RequestKind.CUTI_CLTN.value,
        _("Unpaid leave (di luar tanggungan negara)"),
    )
    DINAS_LUAR = RequestKind.DINAS_LUAR.value, _("Official duty elsewhere (dinas luar)")


#: Statuses of someone who came to work.
PRESENT = frozenset({DayStatus.HADIR, DayStatus.TL, DayStatus.PSW, DayStatus.TL_PSW})
#: Statuses of someone away with a reason.
AWAY = frozenset(ABSENCE_KINDS)


@dataclass(slots=True)
class Day:
    status: str
    late_min: int = 0
    early_min: int = 0
    missing_in: bool = False
    missing_out: bool = False
    check_in: dt.datetime | None = None
    check_out: dt.datetime | None = None
    pending_review: bool = False

    @property
    def label(self) -> str:
        return str(DayStatus(self.status).label)


class Rec(NamedTuple):
    """What a day's status needs of a record (``CheckIn`` has the same names)."""

    at: dt.datetime
    direction: str
    review: str


_REJECTED, _PENDING = str(Review.REJECTED), str(Review.PENDING)
# The statuses ``day_from`` gives, as plain strings (a board derives thousands).
LIBUR, BELUM, TK = str(DayStatus.LIBUR), str(DayStatus.BELUM), str(DayStatus.TK)
HADIR, TL, PSW, TL_PSW = (
    str(DayStatus.HADIR),
    str(DayStatus.TL),
    str(DayStatus.PSW),
    str(DayStatus.TL_PSW),
)
_IN, _OUT = str(Direction.IN), str(Direction.OUT)
_NONE = (None, None, False)  # a day without records


def _fold(
    into: dict[int, list[Any]],
    person_id: int,
    at: dt.datetime,
    direction: str,
    review: str,
) -> None:
    """Fold one record into ``into[person_id]``: [first check-in, last check-out,
    whether one awaits review], rejected records left out."""
    if review == _REJECTED:
        return
    f = into.get(person_id)
    if f is None:
        f = into[person_id] = [None, None, False]
    if review == _PENDING:
        f[2] = True
    if direction == _IN:
        if f[0] is None or at < f[0]:
            f[0] = at
    elif direction == _OUT and (f[1] is None or at > f[1]):
        f[1] = at


def _utc(plan: DayPlan | None) -> DayPlan | None:
    if plan is None:
        return None
    return DayPlan(start=plan.start.astimezone(dt.UTC), end=plan.end.astimezone(dt.UTC))


def derive(
    *,
    plan: DayPlan | None,
    records: Iterable[CheckIn | Rec],
    absence: str | None,
    now: dt.datetime,
) -> Day:
    """The status of one day. ``absence``: the approved absence kind (or dinas luar
    from a surat tugas) covering it."""
    folded: dict[int, list[Any]] = {}
    for r in records:
        _fold(folded, 0, r.at, r.direction, r.review)
    first_in, last_out, pending = folded.get(0, _NONE)
    return day_from(plan, first_in, last_out, pending, absence, now)


def day_from(
    plan: DayPlan | None,
    first_in: dt.datetime | None,
    last_out: dt.datetime | None,
    pending: bool,
    absence: str | None,
    now: dt.datetime,
) -> Day:
    """The status of one day from what its records come to (rejected ones left
    out): the first check-in, the last check-out, whether one awaits review (what
    ``derive`` and ``days_of`` fold the records into)."""
    base = Day(LIBUR, 0, 0, False, False, first_in, last_out, pending)
    if plan is None:
        return base
    if absence:
        base.status = absence
        return base
    if first_in is None and last_out is None:
        base.status = BELUM if now < plan.end else TK
        return base
    if first_in is not None:
        base.late_min = max(0, int((first_in - plan.start).total_seconds() // 60))
    else:
        base.missing_in = True
    if last_out is not None:
        base.early_min = max(0, int((plan.end - last_out).total_seconds() // 60))
    elif now >= plan.end:
        base.missing_out = True
    late = base.late_min > 0 or base.missing_in
    early = base.early_min > 0 or base.missing_out
    base.status = (TL_PSW if early else TL) if late else (PSW if early else HADIR)
    return base


def absences(
    person_ids: set[int],
    start: dt.date,
    end: dt.date,
    among: QuerySet[Any] | None = None,
) -> dict[tuple[int, dt.date], str]:
    """Approved absences and official duty covering ``[start, end]``: (person, day) →
    kind. Two reads whatever the number of people (requests, surat tugas).
    ``among``: a subquery of person ids (a superset of ``person_ids``) to filter by
    in SQL instead of the ids themselves."""
    found: dict[tuple[int, dt.date], str] = {}
    rows = AttendanceRequest.objects.filter(
        person_id__in=person_ids if among is None else among,
        state=RequestState.APPROVED,
        kind__in=ABSENCE_KINDS,
        start_date__lte=end,
        end_date__gte=start,
    ).values_list("person_id", "kind", "start_date", "end_date")
    for person_id, kind, first, last in rows:
        if person_id not in person_ids:
            continue
        day = max(first, start)
        while day <= min(last, end):
            found[(person_id, day)] = kind
            day += dt.timedelta(days=1)
    for person_id, days in duty_days(
        person_ids=person_ids, start=start, end=end
    ).items():
        for day in days:
            found.setdefault((person_id, day), DayStatus.DINAS_LUAR)
    return found


def days_of(
    *,
    book: ScheduleBook,
    people: dict[int, str],
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    among: QuerySet[Any] | None = None,
) -> dict[int, dict[dt.date, Day]]:
    """Every day of ``[start, end]`` (up to today) for ``people`` (person id → the
    path of their unit): records, absences and duty read once for all of them.
    ``among``: a subquery of person ids (a superset of ``people``) that the reads
    filter by instead of thousands of ids (the board of a whole pemda)."""
    ids = set(people)
    who: Any = ids if among is None else among
    # Each (person, day)'s records folded as they are read (a board of 5,000 people
    # reads 5,000 records or so, a month's recap 200,000): tuples, no objects.
    facts: dict[dt.date, dict[int, list[Any]]] = defaultdict(dict)
    for person_id, day, at, direction, review in CheckIn.objects.filter(
        person_id__in=who, day__gte=start, day__lte=end
    ).values_list("person_id", "day", "at", "direction", "review"):
        _fold(facts[day], person_id, at, direction, review)
    away: dict[dt.date, dict[int, str]] = defaultdict(dict)
    for (person_id, day), kind in absences(ids, start, end, among).items():
        away[day][person_id] = kind
    book.load_roster(ids, among)
    rostered = book.roster
    today = now.astimezone(book.tz).date()
    result: dict[int, dict[dt.date, Day]] = {pk: {} for pk in ids}
    day = start
    while day <= min(end, today):
        # A unit's plan of the day once, not once per person (a roster wins); in
        # UTC, as the records' times are (comparing across zones costs ten times).
        plans: dict[str, DayPlan | None] = {}
        day_facts, day_away = facts.get(day, {}), away.get(day, {})
        for pk, path in people.items():
            if (pk, day) in rostered:
                plan = _utc(book.plan(day, path, pk))
            elif path in plans:
                plan = plans[path]
            else:
                plan = plans[path] = _utc(book.plan(day, path))
            first_in, last_out, pending = day_facts.get(pk, _NONE)
            result[pk][day] = day_from(
                plan, first_in, last_out, pending, day_away.get(pk), now
            )
        day += dt.timedelta(days=1)
    return result
