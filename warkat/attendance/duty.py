"""Official duty (dinas luar) from signed Surat Tugas, read through the drafting
selectors (drafting knows nothing of attendance)."""

from __future__ import annotations

import datetime as dt

from warkat.drafting.selectors import duty_assignments


def duty_days(
    *, person_ids: set[int], start: dt.date, end: dt.date
) -> dict[int, set[dt.date]]:
    """The days in ``[start, end]`` each person is on duty by a signed surat tugas."""
    found: dict[int, set[dt.date]] = {}
    for person_id, first, last in duty_assignments(
        person_ids=person_ids, start=start, end=end
    ):
        day = max(first, start)
        while day <= min(last, end):
            found.setdefault(person_id, set()).add(day)
            day += dt.timedelta(days=1)
    return found
