"""The monthly recap per person and unit: days by status, minutes late and early in
the TL1-TL4 / PSW1-PSW4 bands, and the allowance (TPP) cut from the tenant's
percentages (data, not code: each Perkada sets its own)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from warkat.attendance import errors
from warkat.attendance.access import require_see_unit
from warkat.attendance.models import AttendanceSettings
from warkat.attendance.schedule import ScheduleBook, attendance_settings, local_today
from warkat.attendance.status import AWAY, PRESENT, Day, DayStatus, days_of
from warkat.org.models import Unit
from warkat.org.selectors import Holder, subtree_holders
from warkat.tenancy.scope import current_tenant

#: Upper bounds (minutes) of bands 1-3; above the last is band 4.
BANDS = (30, 60, 90)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def band(minutes: int) -> int:
    """1-4 for minutes late/early (1-30, 31-60, 61-90, over 90); 0 for none."""
    if minutes <= 0:
        return 0
    for i, upper in enumerate(BANDS, start=1):
        if minutes <= upper:
            return i
    return 4


def month_span(value: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of "YYYY-MM"; a month that has not started is refused."""
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise errors.month_invalid()
    year, month = int(match.group(1)), int(match.group(2))
    first = dt.date(year, month, 1)
    if first > today:
        raise errors.month_future()
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return first, last


@dataclass
class PersonRecap:
    person: Holder
    position: str
    unit: str
    statuses: Counter[str] = field(default_factory=Counter)
    late_min: int = 0
    early_min: int = 0
    tl: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    psw: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    cut_pct: Decimal = Decimal("0")

    @property
    def working_days(self) -> int:
        return sum(n for s, n in self.statuses.items() if s != DayStatus.LIBUR)

    @property
    def present(self) -> int:
        return sum(self.statuses[s] for s in PRESENT)

    @property
    def away(self) -> int:
        return sum(self.statuses[s] for s in AWAY)

    @property
    def tk(self) -> int:
        return self.statuses[DayStatus.TK]


@dataclass
class Recap:
    unit: Unit
    first: dt.date
    last: dt.date
    rows: list[PersonRecap]

    @property
    def totals(self) -> dict[str, Any]:
        statuses: Counter[str] = Counter()
        for r in self.rows:
            statuses.update(r.statuses)
        return {
            "people": len(self.rows),
            "statuses": dict(statuses),
            "late_min": sum(r.late_min for r in self.rows),
            "early_min": sum(r.early_min for r in self.rows),
            "tl": [sum(r.tl[i] for r in self.rows) for i in range(4)],
            "psw": [sum(r.psw[i] for r in self.rows) for i in range(4)],
        }


def _cut(row: PersonRecap, rules: AttendanceSettings) -> Decimal:
    tl = (rules.tl1_pct, rules.tl2_pct, rules.tl3_pct, rules.tl4_pct)
    psw = (rules.psw1_pct, rules.psw2_pct, rules.psw3_pct, rules.psw4_pct)
    total = sum(
        (Decimal(n) * pct for n, pct in zip(row.tl + row.psw, tl + psw, strict=True)),
        Decimal("0"),
    )
    total += Decimal(row.tk) * rules.tk_pct
    return min(total, Decimal("100"))


def _add(row: PersonRecap, day: Day) -> None:
    row.statuses[day.status] += 1
    row.late_min += day.late_min
    row.early_min += day.early_min
    # A missing check-in or check-out counts in the highest band.
    late = 4 if day.missing_in else band(day.late_min)
    early = 4 if day.missing_out else band(day.early_min)
    if late:
        row.tl[late - 1] += 1
    if early:
        row.psw[early - 1] += 1


def recap_month(
    *, actor: Any, unit: Unit, month: str, now: dt.datetime | None = None
) -> Recap:
    """The recap of everyone holding a position in ``unit``'s subtree."""
    tenant = current_tenant()
    assert tenant is not None
    require_see_unit(actor, unit)
    first, last = month_span(month, local_today(tenant))
    people = subtree_holders(unit=unit)
    paths = {p.pk: p.unit_path for p in people}
    book = ScheduleBook(tenant, first, last)
    days = days_of(
        book=book, people=paths, start=first, end=last, now=now or timezone.now()
    )
    rules = attendance_settings(tenant)
    rows = []
    for p in people:
        row = PersonRecap(person=p, position=p.position, unit=p.unit)
        for day in days[p.pk].values():
            _add(row, day)
        row.cut_pct = _cut(row, rules)
        rows.append(row)
    return Recap(unit=unit, first=first, last=last, rows=rows)
