"""Day ranges for date filters, up to the ends of the calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from warkat.core.days import day_range

WIT = ZoneInfo("Asia/Jayapura")  # UTC+9


def test_a_day_in_the_tenant_zone() -> None:
    start, end = day_range(dt.date(2026, 3, 2), dt.date(2026, 3, 2), WIT)
    assert start == dt.datetime(2026, 3, 1, 15, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)


def test_the_ends_of_the_calendar_are_no_bound() -> None:
    # 0001-01-01 00:00 WIT is before the first instant a datetime holds in UTC;
    # the day after 9999-12-31 does not exist.
    assert day_range(dt.date.min, dt.date.max, WIT) == (None, None)
    start, end = day_range(dt.date.max, dt.date.min, WIT)
    assert start == dt.datetime(9999, 12, 30, 15, tzinfo=dt.UTC)
    assert end == dt.datetime(1, 1, 2, tzinfo=WIT).astimezone(dt.UTC)
