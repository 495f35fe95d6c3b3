"""Shifts and rosters: a night shift crossing midnight in the tenant's zone (WIT),
lateness and early leave against the shift, rostered days off, the import."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import RosterEntry, Shift
from warkat.attendance.recap import recap_month
from warkat.attendance.schedule import ScheduleBook
from warkat.attendance.status import days_of
from warkat.attendance.tests.conftest import OFFICE, at
from warkat.letters.tests.factories import client_for
from warkat.org.tests import factories as org

pytestmark = pytest.mark.django_db


def tap(o: Any, key: str = "staf_a") -> Any:
    return checkin_record(
        actor=getattr(o.users, key),
        latitude=OFFICE[0],
        longitude=OFFICE[1],
        accuracy_m=10.0,
    ).record


def night(o: Any) -> Shift:
    return Shift.objects.create(
        tenant=o.tenant, name="Malam", start=dt.time(21, 0), end=dt.time(7, 0)
    )


def day_of(o: Any, key: str, day: dt.date, now: dt.datetime) -> Any:
    person = getattr(o.people, key)
    book = ScheduleBook(o.tenant, day, day)
    return days_of(
        book=book, people={person.pk: o.bid_a.path}, start=day, end=day, now=now
    )[person.pk][day]


def test_night_shift_crossing_midnight_is_one_day(o: Any) -> None:
    shift = night(o)
    wed = dt.date(2026, 11, 4)
    RosterEntry.objects.create(
        tenant=o.tenant, person=o.people.staf_a, day=wed, shift=shift
    )
    o.clock.move_to(at(21, 10))  # 10 minutes late, 21:10 WIT (12:10 UTC)
    first = tap(o)
    assert (first.direction, first.day) == ("in", wed)
    o.clock.move_to(at(6, 40, day=5))  # Thursday 06:40 WIT: 20 minutes early
    second = tap(o)
    assert second.direction == "out"
    assert second.day == wed  # the check-out belongs to Wednesday's shift
    d = day_of(o, "staf_a", wed, at(8, 0, day=5))
    assert d.status == "tl_psw"
    assert (d.late_min, d.early_min) == (10, 20)


def test_on_time_night_shift_is_present(o: Any) -> None:
    shift = night(o)
    wed = dt.date(2026, 11, 4)
    RosterEntry.objects.create(
        tenant=o.tenant, person=o.people.staf_a, day=wed, shift=shift
    )
    o.clock.move_to(at(20, 55))
    tap(o)
    o.clock.move_to(at(7, 5, day=5))
    tap(o)
    d = day_of(o, "staf_a", wed, at(8, 0, day=5))
    assert d.status == "hadir" and d.late_min == 0 and d.early_min == 0


def test_next_morning_after_the_grace_is_a_new_day(o: Any) -> None:
    shift = night(o)
    RosterEntry.objects.create(
        tenant=o.tenant, person=o.people.staf_a, day=dt.date(2026, 11, 4), shift=shift
    )
    o.clock.move_to(at(12, 0, day=5))  # 5 hours after the shift's end
    record = tap(o)
    assert record.day == dt.date(2026, 11, 5) and record.direction == "in"


def test_roster_overrides_office_hours_and_colleagues_keep_them(o: Any) -> None:
    night(o)
    RosterEntry.objects.create(
        tenant=o.tenant,
        person=o.people.staf_a,
        day=dt.date(2026, 11, 4),
        shift=Shift.objects.get(name="Malam"),
    )
    # At 10:00 the rostered night worker is not late (shift not begun), while a
    # colleague on office hours without a record is still "not yet checked in".
    now = at(10, 0)
    assert day_of(o, "staf_a", dt.date(2026, 11, 4), now).status == "belum"
    o.clock.move_to(at(7, 45))
    tap(o, "staf_b")
    person = o.people.staf_b
    book = ScheduleBook(o.tenant, dt.date(2026, 11, 4), dt.date(2026, 11, 4))
    d = days_of(
        book=book,
        people={person.pk: o.bid_b.path},
        start=dt.date(2026, 11, 4),
        end=dt.date(2026, 11, 4),
        now=now,
    )[person.pk][dt.date(2026, 11, 4)]
    assert d.status == "tl" and d.late_min == 15


def test_rostered_day_off_is_not_absence(o: Any) -> None:
    RosterEntry.objects.create(
        tenant=o.tenant, person=o.people.staf_a, day=dt.date(2026, 11, 4), shift=None
    )
    d = day_of(o, "staf_a", dt.date(2026, 11, 4), at(23, 0))
    assert d.status == "libur"


def test_shift_and_roster_import_through_the_api(o: Any) -> None:
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    c = client_for(bkpsdm)
    res = c.post(
        "/api/v1/attendance/shifts",
        data=json.dumps({"name": "Malam", "start": "21:00", "end": "07:00"}),
        content_type="application/json",
    )
    assert res.status_code == 201, res.content
    assert res.json()["crosses_midnight"] is True
    rows = [
        {"person_id": o.people.staf_a.pk, "day": "2026-11-04", "shift": "Malam"},
        {"person_id": o.people.staf_a.pk, "day": "2026-11-05", "shift": ""},
    ]
    res = c.post(
        "/api/v1/attendance/roster",
        data=json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert res.status_code == 200, res.content
    assert res.json() == {"imported": 2}
    assert RosterEntry.objects.count() == 2


@pytest.mark.parametrize(
    "row",
    [
        {"person_id": 999999, "day": "2026-11-04", "shift": "Malam"},
        {"nip": "000", "day": "2026-11-04", "shift": "Malam"},
        {"day": "2026-11-04", "shift": "Pagi"},
    ],
)
def test_bad_roster_row_imports_nothing(o: Any, row: dict[str, Any]) -> None:
    night(o)
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    good = {"person_id": o.people.staf_a.pk, "day": "2026-11-03", "shift": "Malam"}
    if "person_id" not in row and "nip" not in row:
        row = {**row, "person_id": o.people.staf_a.pk}
    res = client_for(bkpsdm).post(
        "/api/v1/attendance/roster",
        data=json.dumps({"rows": [good, row]}),
        content_type="application/json",
    )
    assert res.status_code == 422, res.content
    assert res.json()["code"] == "attendance.roster_invalid"
    assert not RosterEntry.objects.exists()


def test_only_administrators_define_shifts_and_rosters(o: Any) -> None:
    c = client_for(o.users.kabid_a)
    res = c.post(
        "/api/v1/attendance/shifts",
        data=json.dumps({"name": "Malam", "start": "21:00", "end": "07:00"}),
        content_type="application/json",
    )
    assert res.status_code == 403
    res = c.post(
        "/api/v1/attendance/roster",
        data=json.dumps({"rows": []}),
        content_type="application/json",
    )
    assert res.status_code == 403


def test_recap_counts_the_night_shift_on_its_day(o: Any) -> None:
    shift = night(o)
    RosterEntry.objects.create(
        tenant=o.tenant, person=o.people.staf_a, day=dt.date(2026, 11, 4), shift=shift
    )
    o.clock.move_to(at(21, 40))
    tap(o)
    o.clock.move_to(at(7, 0, day=5))
    tap(o)
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    recap = recap_month(actor=bkpsdm, unit=o.bid_a, month="2026-11")
    row = next(r for r in recap.rows if r.person.pk == o.people.staf_a.pk)
    assert row.late_min == 40 and row.early_min == 0
