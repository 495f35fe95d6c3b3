"""A few days of letters and dispositions in the test organisation, created through
the real services at the real times, with the periodic refresh run as the scheduler
would (during each day and after midnight)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from warkat.dashboard.rebuild import figures_refresh
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.dispositions.services.reading import disposition_read
from warkat.letters.tests.factories import register

WIT = ZoneInfo("Asia/Jayapura")
#: Monday 2 November 2026 in Keerom.
MONDAY = dt.date(2026, 11, 2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIT)


def build_history(o: SimpleNamespace, frozen: Any, *, refresh: bool = True) -> dict:
    """Monday: two letters, disposed to Kabid Aplikasi (due Wednesday) and Kabid
    Statistik (due Tuesday). Tuesday: Kabid Aplikasi reads. Wednesday: Kabid
    Aplikasi follows up on time; Kabid Statistik never does (overdue from Wednesday).
    Thursday 08:00: a refresh (yesterday settled). Also an event at 23:30 Monday
    local time, which is Monday in Keerom but Monday 14:30 UTC."""
    with timezone.override(WIT):
        return _build(o, frozen, refresh=refresh)


def _build(o: SimpleNamespace, frozen: Any, *, refresh: bool) -> dict:
    days = [MONDAY + dt.timedelta(days=i) for i in range(4)]

    def tick(moment: dt.datetime) -> None:
        frozen.move_to(moment)
        if refresh:
            figures_refresh(tenant=o.tenant)

    tick(at(days[0], 8))
    dates = {"letter_date": days[0], "received_date": days[0]}
    letter_a = register(o, subject="Undangan rapat SPBE", **dates)
    letter_b = register(o, subject="Laporan statistik sektoral", **dates)
    (disp_a,) = disposition_create(
        actor=o.users.kadis,
        letter=letter_a,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Tindak lanjuti"],
        deadline=days[2],
    )
    tick(at(days[0], 23, 30))
    (disp_b,) = disposition_create(
        actor=o.users.kadis,
        letter=letter_b,
        to_position_ids=[o.pos.kabid_b.pk],
        instructions=["Tindak lanjuti"],
        deadline=days[1],
    )
    tick(at(days[1], 9))
    disposition_read(actor=o.users.kabid_a, disposition=disp_a)
    tick(at(days[2], 7, 30))
    disposition_read(actor=o.users.kabid_b, disposition=disp_b)
    tick(at(days[2], 15))
    disp_a.refresh_from_db()
    followup_create(actor=o.users.kabid_a, disposition=disp_a, text="Sudah dihadiri")
    tick(at(days[3], 8))
    return {"days": days, "letters": (letter_a, letter_b)}
