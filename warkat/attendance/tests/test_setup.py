"""Configuring attendance: rules, locations, extra places, a Ramadan schedule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import AttendanceSettings, WorkLocation
from warkat.attendance.tests.conftest import at
from warkat.audit.models import AuditEvent
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db


def send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json"
    )


def test_locations_by_admin_only_with_a_radius_between_15_and_200(o: Any) -> None:
    body = {"unit_id": o.other.pk, "name": "Puskesmas Skanto",
            "latitude": -3.0181, "longitude": 140.8183}  # fmt: skip
    admin = client_for(o.users.admin)
    too_wide = send(
        admin, "post", "/api/v1/attendance/locations", {**body, "radius_m": 250}
    )
    assert too_wide.status_code == 422
    ok = send(admin, "post", "/api/v1/attendance/locations", body)
    assert ok.status_code == 201 and ok.json()["radius_m"] == 100
    staff = client_for(o.users.staf_a)
    assert send(staff, "post", "/api/v1/attendance/locations", body).status_code == 403
    assert staff.get("/api/v1/attendance/locations").status_code == 403
    assert AuditEvent.objects.filter(action="attendance.location_created").count() == 1


def test_extra_place_for_one_person(o: Any) -> None:
    puskesmas = WorkLocation.objects.create(
        tenant=o.tenant, unit=o.other, name="Puskesmas Skanto",
        latitude="-3.018100", longitude="140.818300", radius_m=80,
    )  # fmt: skip
    tap: dict[str, Any] = {"latitude": -3.0181, "longitude": 140.8183}
    tap["accuracy_m"] = 10.0
    outside = checkin_record(actor=o.users.staf_b, **tap).record
    assert outside.flags[0]["code"] == "outside"
    res = send(
        client_for(o.users.admin), "post", "/api/v1/attendance/places",
        {"person_id": o.people.staf_a.pk, "location_id": puskesmas.pk},
    )  # fmt: skip
    assert res.status_code == 201
    inside = checkin_record(actor=o.users.staf_a, **tap).record
    assert inside.flags == [] and inside.location_id == puskesmas.pk


def test_rules_changed_by_the_personnel_office(o: Any) -> None:
    from warkat.org.tests import factories as org

    bkpsdm = client_for(org.user(o.tenant, "kepegawaian", username="bkpsdm"))
    defaults = bkpsdm.get("/api/v1/attendance/settings").json()
    assert defaults["tl_pct"] == [0.5, 1.0, 1.25, 1.5]
    assert defaults["annual_leave_days"] == 12
    res = send(bkpsdm, "patch", "/api/v1/attendance/settings",
               {"tl1_pct": "0.75", "annual_leave_days": 14})  # fmt: skip
    assert res.status_code == 200, res.content
    assert res.json()["tl_pct"][0] == 0.75
    row = AttendanceSettings.objects.get()
    assert row.annual_leave_days == 14 and row.tk_pct == 3
    bad = send(bkpsdm, "patch", "/api/v1/attendance/settings", {"tk_pct": "150"})
    assert bad.status_code == 422
    staff = client_for(o.users.staf_a)
    assert (
        send(staff, "patch", "/api/v1/attendance/settings", {"tk_pct": 1}).status_code
        == 403
    )


def test_ramadan_override_moves_the_start_to_eight(o: Any) -> None:
    days = [{"weekday": w, "start": "08:00", "end": "15:00", "break_minutes": 30}
            for w in range(4)] + [{"weekday": 4, "start": "08:00", "end": "15:30"}]  # fmt: skip
    res = send(
        client_for(o.users.admin), "post", "/api/v1/attendance/schedules",
        {"name": "Ramadan 2026", "valid_from": "2026-11-02", "valid_to": "2026-11-06",
         "days": days},
    )  # fmt: skip
    assert res.status_code == 201, res.content
    o.clock.move_to(at(8, 10))
    checkin_record(
        actor=o.users.staf_a, latitude=-2.93456, longitude=140.78701, accuracy_m=9.0
    )
    board = client_for(o.users.kabid_a).get(
        f"/api/v1/attendance/today?unit={o.bid_a.pk}"
    )
    row = next(
        r for r in board.json()["people"] if r["name"] == "Pranata Komputer Orang"
    )
    assert row["day"]["late_min"] == 10  # not 40: Ramadan starts at 08:00
    bad = send(
        client_for(o.users.admin), "post", "/api/v1/attendance/schedules",
        {"name": "Salah", "days": [{"weekday": 0, "start": "16:00", "end": "08:00"}]},
    )  # fmt: skip
    assert bad.status_code == 422


def test_national_presets_give_the_ramadan_and_regular_weeks(o: Any) -> None:
    client = client_for(o.users.admin)
    res = send(
        client, "post", "/api/v1/attendance/schedules",
        {"name": "Ramadan 2027", "valid_from": "2027-02-08", "valid_to": "2027-03-09",
         "preset": "ramadan"},
    )  # fmt: skip
    assert res.status_code == 201, res.content
    days = res.json()["days"]
    assert [d["weekday"] for d in days] == [0, 1, 2, 3, 4]
    assert days[0]["start"].startswith("08:00") and days[4]["end"].startswith("15:30")
    minutes = sum(
        (int(d["end"][:2]) * 60 + int(d["end"][3:5]))
        - (int(d["start"][:2]) * 60 + int(d["start"][3:5]))
        - d["break_minutes"]
        for d in days
    )
    assert minutes == 32 * 60 + 30  # Perpres 21/2023: 32.5 hours in Ramadan
    unknown = send(client, "post", "/api/v1/attendance/schedules",
                   {"name": "X", "preset": "libur"})  # fmt: skip
    assert unknown.status_code == 422
