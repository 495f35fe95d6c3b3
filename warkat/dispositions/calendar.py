"""Working days: weekends, national holidays and cuti bersama, and tenant-added dates."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils.translation import get_language

from warkat.dispositions.models import TenantHoliday


@lru_cache(maxsize=32)
def national_holidays(year: int) -> frozenset[dt.date]:
    """Public holidays plus cuti bersama (the package's "government" category)."""
    days = holidays.country_holidays(
        "ID", years=year, categories=("public", "government")
    )
    return frozenset(days.keys())


@lru_cache(maxsize=32)
def cuti_bersama_days(year: int) -> frozenset[dt.date]:
    """The year's cuti bersama alone (set by Keputusan Presiden)."""
    days = holidays.country_holidays("ID", years=year, categories=("government",))
    return frozenset(days.keys())


def tenant_holidays(start: dt.date, end: dt.date) -> set[dt.date]:
    """The tenant's own non-working days in ``[start, end]`` (one query)."""
    return set(
        TenantHoliday.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", flat=True
        )
    )


def _is_working(day: dt.date, local: set[dt.date]) -> bool:
    return (
        day.weekday() < 5
        and day not in national_holidays(day.year)
        and day not in local
    )


def add_working_days(*, start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (inside a tenant scope)."""
    # Generous window: holidays never take more than a few days per week.
    local = tenant_holidays(start, start + dt.timedelta(days=days * 3 + 30))
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if _is_working(day, local):
            remaining -= 1
    return day


def add_working_days_many(*, start: dt.date, days: list[int]) -> dict[int, dt.date]:
    """``add_working_days`` for several counts at once (one holiday query)."""
    longest = max(days, default=0)
    local = tenant_holidays(start, start + dt.timedelta(days=longest * 3 + 30))
    wanted = set(days)
    found: dict[int, dt.date] = {0: start} if 0 in wanted else {}
    day, count = start, 0
    while count < longest:
        day += dt.timedelta(days=1)
        if _is_working(day, local):
            count += 1
            if count in wanted:
                found[count] = day
    return found


def working_days_between(
    *, start: dt.date, end: dt.date, local: set[dt.date] | None = None
) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end ≤ start).
    ``local``: the tenant's holidays covering the span, when the caller counts many
    spans and read them once (``tenant_holidays``)."""
    if end <= start:
        return 0
    if local is None:
        local = tenant_holidays(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _is_working(day, local):
            count += 1
    return count


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, tenant_holidays(day, day))


def national_holidays_named(year: int) -> list[tuple[dt.date, str]]:
    """The year's national holidays and cuti bersama with their names (in the
    active language), by date."""
    language = "en_US" if (get_language() or "id").startswith("en") else "id"
    days = holidays.country_holidays(
        "ID", years=year, categories=("public", "government"), language=language
    )
    return sorted(days.items())
