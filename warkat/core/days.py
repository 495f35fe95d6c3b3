"""Calendar days as ranges of instants, for date filters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def day_start(day: dt.date, tz: dt.tzinfo | ZoneInfo) -> dt.datetime | None:
    """Midnight at the start of ``day`` in ``tz``, or None at the ends of the
    calendar, where the instant (the day after 9999-12-31, or 0001-01-01 east of
    UTC, stored in UTC) lies beyond what a datetime holds. None then means "no
    bound": no stored instant is before the first or after the last one."""
    try:
        return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
    except OverflowError:
        return None


def day_range(
    date_from: dt.date | None, date_to: dt.date | None, tz: dt.tzinfo | ZoneInfo
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """``[start, end)`` of the days ``date_from``..``date_to`` in ``tz`` (None: no
    bound on that side)."""
    start = day_start(date_from, tz) if date_from else None
    end = None
    if date_to and date_to < dt.date.max:
        end = day_start(date_to + dt.timedelta(days=1), tz)
    return start, end
