"""Official duty (dinas luar) from signed Surat Tugas, read through the drafting
selectors (drafting knows nothing of attendance)."""

from __future__ import annotations

import datetime as dt


def duty_days(
    *, person_ids: set[int], start: dt.date, end: dt.date
) -> dict[int, set[dt.date]]:
    """The days in ``[start, end]`` each person is on duty by a signed surat tugas."""
    # Drafting does not carry a surat tugas's people and dates yet: none found.
    return {}
