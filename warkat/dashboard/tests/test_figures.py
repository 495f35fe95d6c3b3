"""Daily figures: what they count, in the tenant's time zone, and that a rebuild from
the source rows equals what the periodic refresh kept."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command

from warkat.dashboard.models import PERSON_COUNTERS, UNIT_COUNTERS, PersonDay, UnitDay
from warkat.dashboard.rebuild import figures_rebuild
from warkat.dashboard.tests.history import MONDAY, build_history

pytestmark = pytest.mark.django_db


def unit_rows() -> dict[tuple[int, dt.date], tuple]:
    return {
        (r.unit_id, r.day): (
            *(getattr(r, k) for k in UNIT_COUNTERS),
            r.read_minutes,
            r.follow_minutes,
        )
        for r in UnitDay.objects.all()
    }


def person_rows() -> dict[tuple[int, dt.date], tuple]:
    return {
        (r.person_id, r.day): tuple(getattr(r, k) for k in PERSON_COUNTERS)
        for r in PersonDay.objects.all()
    }


def row(unit: Any, day: dt.date) -> UnitDay:
    return UnitDay.objects.get(unit=unit, day=day)


def test_figures_count_each_event_on_its_local_day(
    o: SimpleNamespace, frozen: Any
) -> None:
    h = build_history(o, frozen)
    mon, tue, wed, thu = h["days"]
    dinas = row(o.dinas, mon)
    assert (dinas.letters_in, dinas.letters_in_paper) == (2, 2)
    # Both dispositions were made on Monday in Keerom, the second at 23:30 WIT.
    assert dinas.disp_made == 2
    assert row(o.bid_a, mon).disp_received == 1
    assert row(o.bid_b, mon).disp_received == 1
    assert not UnitDay.objects.filter(day=mon + dt.timedelta(days=-1)).exists()
    # Kabid Aplikasi read on Tuesday 09:00, 25 hours after Monday 08:00.
    tue_a = row(o.bid_a, tue)
    assert (tue_a.disp_read, tue_a.read_minutes) == (1, [25 * 60])
    # Kabid Statistik's deadline was Tuesday: due, not on time, overdue from then.
    tue_b = row(o.bid_b, tue)
    assert (tue_b.disp_due, tue_b.disp_due_on_time) == (1, 0)
    assert row(o.bid_b, wed).disp_overdue_open == 1
    assert row(o.bid_b, thu).disp_overdue_open == 1
    wed_a = row(o.bid_a, wed)
    assert (wed_a.disp_followed_up, wed_a.disp_due, wed_a.disp_due_on_time) == (1, 1, 1)
    assert wed_a.follow_minutes == [(2 * 24 + 7) * 60]
    assert wed_a.disp_overdue_open == 0
    # People: the clerk and the head of the dinas were active on Monday.
    assert dinas.active_users == 2
    kabid_a_wed = PersonDay.objects.get(person=o.people.kabid_a, day=wed)
    assert (kabid_a_wed.followups, kabid_a_wed.followups_on_time) == (1, 1)
    assert kabid_a_wed.disp_due_on_time == 1
    assert PersonDay.objects.get(person=o.people.kadis, day=mon).disp_made == 2


def test_rebuild_equals_the_incremental_figures(
    o: SimpleNamespace, frozen: Any
) -> None:
    build_history(o, frozen)
    kept_units, kept_people = unit_rows(), person_rows()
    assert kept_units and kept_people
    UnitDay.objects.all().delete()
    PersonDay.objects.all().delete()
    result = figures_rebuild(
        tenant=o.tenant,
        # From Saturday: an earlier working day would count absences (TK).
        first=MONDAY - dt.timedelta(days=2),
        last=MONDAY + dt.timedelta(3),
    )
    assert result.unit_rows == len(kept_units)
    assert unit_rows() == kept_units
    assert person_rows() == kept_people


def test_rebuild_command_recomputes_a_period_and_leaves_others(
    o: SimpleNamespace, frozen: Any
) -> None:
    build_history(o, frozen)
    kept = unit_rows()
    mon = MONDAY
    # Damage Tuesday and Wednesday; rebuild only Tuesday.
    UnitDay.objects.filter(day__gte=mon + dt.timedelta(1)).update(disp_read=99)
    out = StringIO()
    call_command(
        "dashboard_rebuild",
        "--from",
        str(mon + dt.timedelta(1)),
        "--to",
        str(mon + dt.timedelta(1)),
        "--tenant",
        o.tenant.slug,
        stdout=out,
    )
    assert "1 days" in out.getvalue()
    tue = mon + dt.timedelta(1)
    now = unit_rows()
    assert {k: v for k, v in now.items() if k[1] == tue} == {
        k: v for k, v in kept.items() if k[1] == tue
    }
    assert UnitDay.objects.filter(day=mon + dt.timedelta(2), disp_read=99).exists()


def test_rebuild_command_refuses_bad_input(o: SimpleNamespace) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("dashboard_rebuild", "--from", "2026-13-01", "--to", "2026-12-01")
    with pytest.raises(CommandError):
        call_command("dashboard_rebuild", "--from", "2026-12-02", "--to", "2026-12-01")
    with pytest.raises(CommandError):
        call_command(
            "dashboard_rebuild", "--from", "2026-12-01", "--to", "2026-12-01",
            "--tenant", "nowhere",
        )  # fmt: skip


def test_run_periodic_refreshes_todays_figures(o: SimpleNamespace, frozen: Any) -> None:
    """The scheduler's job (immediate task backend in tests) writes today's rows."""
    from warkat.letters.tests.factories import register

    register(o, subject="Surat hari ini")
    assert not UnitDay.objects.exists()
    call_command("run_periodic", stdout=StringIO())
    today = UnitDay.objects.get(unit=o.dinas, day=dt.date(2026, 11, 4))
    assert today.letters_in == 1
    # Yesterday (refreshed too) has no letters, only its people absent without reason.
    yesterday = UnitDay.objects.get(unit=o.dinas, day=dt.date(2026, 11, 3))
    assert (yesterday.letters_in, yesterday.att_absent) == (0, 4)
