"""Figures kept up to date by the events themselves: each audited action and each
check-in marks its day inside its own transaction, the queued run recomputes the
marked days, and a rebuild from the source rows equals what the events kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import WorkLocation
from warkat.dashboard import dirtydays, events
from warkat.dashboard.jobs import marked_days_refresh
from warkat.dashboard.models import DirtyDay, PersonDay, UnitDay
from warkat.dashboard.rebuild import figures_rebuild
from warkat.dashboard.tests.history import MONDAY, WIT, at, build_history
from warkat.dashboard.tests.test_figures import person_rows, unit_rows
from warkat.letters.tests.factories import register

pytestmark = pytest.mark.django_db
DATES = {"letter_date": MONDAY, "received_date": MONDAY}

#: Attendance statuses depend on the clock (nobody in yet at 09:00 is absent at
#: 17:00): they settle with the periodic refresh after the day, not with an event.
ATTENDANCE = slice(15, 20)


@pytest.fixture(autouse=True)
def unmarked(o: SimpleNamespace) -> None:
    """The test organisation was set up through audited services: start unmarked."""
    DirtyDay.objects.all().delete()


def _without_attendance(rows: dict[Any, tuple]) -> dict[Any, tuple]:
    return {k: v[: ATTENDANCE.start] + v[ATTENDANCE.stop :] for k, v in rows.items()}


def test_an_audited_event_marks_its_local_day_in_its_transaction(
    o: SimpleNamespace, frozen: Any
) -> None:
    # 23:30 in Keerom is 14:30 UTC: the mark is the tenant's local day.
    frozen.move_to(at(MONDAY, 23, 30))
    with timezone.override(WIT), transaction.atomic():
        register(o, subject="Surat malam", **DATES)
        assert list(DirtyDay.objects.values_list("day", "events")) == [(MONDAY, 1)]
        with pytest.raises(RuntimeError), transaction.atomic():
            register(o, subject="Surat kedua", **DATES)
            assert DirtyDay.objects.get().events == 2
            raise RuntimeError
    assert DirtyDay.objects.get().events == 1


def test_a_rolled_back_event_leaves_no_mark(o: SimpleNamespace, frozen: Any) -> None:
    frozen.move_to(at(MONDAY, 9))
    with pytest.raises(RuntimeError), transaction.atomic():
        register(o, subject="Gagal", **DATES)
        raise RuntimeError
    assert not DirtyDay.objects.exists()


def test_the_first_mark_of_a_day_queues_one_run(
    o: SimpleNamespace, frozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(events, "_queue", queued.append)
    frozen.move_to(at(MONDAY, 9))
    with timezone.override(WIT), transaction.atomic():
        register(o, subject="Satu", **DATES)
        register(o, subject="Dua", **DATES)
    frozen.move_to(at(MONDAY + dt.timedelta(1), 9))
    with timezone.override(WIT):
        register(o, subject="Tiga", letter_date=MONDAY, received_date=MONDAY)
    # One run for the burst of a day, one for the next day.
    assert queued == [o.tenant.pk, o.tenant.pk]
    assert DirtyDay.objects.count() == 2


def test_events_alone_keep_the_figures_a_rebuild_gives(
    o: SimpleNamespace, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The history of test_figures without any periodic refresh: every change comes
    from the runs the events queued (run at once here, as the immediate backend
    does after each commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        build_history(o, frozen, refresh=False)
    assert not DirtyDay.objects.exists()
    kept_units, kept_people = unit_rows(), person_rows()
    mon, tue, wed = MONDAY, MONDAY + dt.timedelta(1), MONDAY + dt.timedelta(2)
    assert {day for _unit, day in kept_units} == {mon, tue, wed}
    assert UnitDay.objects.get(unit=o.dinas, day=mon).letters_in == 2
    assert UnitDay.objects.get(unit=o.bid_a, day=wed).disp_followed_up == 1
    UnitDay.objects.all().delete()
    PersonDay.objects.all().delete()
    figures_rebuild(tenant=o.tenant, first=mon, last=wed)
    rebuilt = unit_rows()
    assert _without_attendance(rebuilt) == _without_attendance(kept_units)
    assert person_rows() == kept_people


def test_a_checkin_counts_on_its_day(
    o: SimpleNamespace, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    WorkLocation.objects.create(
        tenant=o.tenant,
        unit=o.dinas,
        name="Kantor",
        latitude=Decimal("-2.934560"),
        longitude=Decimal("140.787010"),
        radius_m=100,
    )
    with timezone.override(WIT):
        frozen.move_to(at(MONDAY, 7, 20))
        with django_capture_on_commit_callbacks(execute=True):
            checkin_record(
                actor=o.users.staf_a,
                latitude=-2.934560,
                longitude=140.787010,
                accuracy_m=10.0,
            )
    # Pranata Komputer is in the Bidang Aplikasi.
    assert UnitDay.objects.get(unit=o.bid_a, day=MONDAY).att_present == 1


def test_a_run_with_nothing_marked_or_a_gone_tenant_does_nothing(
    o: SimpleNamespace,
) -> None:
    assert marked_days_refresh(tenant_id=o.tenant.pk)["days"] == 0
    assert marked_days_refresh(tenant_id=10**9)["days"] == 0


def test_periods_join_consecutive_days() -> None:
    d = MONDAY
    days = [d, d + dt.timedelta(1), d + dt.timedelta(3)]
    assert dirtydays.periods(days) == [
        (d, d + dt.timedelta(1)),
        (d + dt.timedelta(3), d + dt.timedelta(3)),
    ]


def test_events_appended_together_mark_their_day_once(
    o: SimpleNamespace, frozen: Any
) -> None:
    """``audit_records`` appends several events in one transaction (a signed
    letter's document and signing): one mark of the day, chain intact."""
    from warkat.audit.services import AuditEntry, audit_records
    from warkat.audit.verify import audit_chain_verify

    frozen.move_to(at(MONDAY, 9))
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        events = audit_records(
            tenant=o.tenant,
            entries=[AuditEntry(actor=None, action=f"test.{n}") for n in range(3)],
        )
    # One mark: its UPDATE, and the INSERT of the day's first.
    marks = [q["sql"] for q in captured if 'UPDATE "dashboard_dirtyday"' in q["sql"]]
    inserts = [
        q["sql"] for q in captured if 'INSERT INTO "audit_auditevent"' in q["sql"]
    ]
    assert len(marks) == 1 and len(inserts) == 1
    assert [e.seq for e in events] == [events[0].seq + n for n in range(3)]
    assert list(DirtyDay.objects.values_list("day", "events")) == [(MONDAY, 1)]
    assert audit_chain_verify(tenant=o.tenant).ok
