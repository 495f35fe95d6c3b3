"""Attendance in the command centre: people by day status per unit and day, kept in
the daily tables by the same refresh, shown within the leader's subtree only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import AttendanceRequest, WorkLocation
from warkat.dashboard.models import UnitDay
from warkat.dashboard.rebuild import figures_rebuild, figures_refresh
from warkat.dashboard.tests.history import MONDAY, WIT, at
from warkat.letters.tests.factories import build_org, client_for
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

OFFICE = (-2.934560, 140.787010)
ATT = ("att_present", "att_late", "att_absent", "att_leave", "att_duty")


def tap(o: SimpleNamespace, frozen: Any, key: str, moment: dt.datetime) -> None:
    frozen.move_to(moment)
    checkin_record(
        actor=getattr(o.users, key),
        latitude=OFFICE[0],
        longitude=OFFICE[1],
        accuracy_m=10.0,
    )


def away(
    o: SimpleNamespace, key: str, kind: str, first: dt.date, last: dt.date
) -> None:
    AttendanceRequest.objects.create(
        tenant=o.tenant,
        person=getattr(o.people, key),
        kind=kind,
        start_date=first,
        end_date=last,
        reason="Keperluan",
        approver_position=o.pos.kadis,
        state="approved",
        created_at=timezone.now(),
        decided_at=timezone.now(),
        decided_by=o.people.kadis,
    )


@pytest.fixture
def monday(o: SimpleNamespace, frozen: Any) -> SimpleNamespace:
    """Monday in Keerom: Pranata Komputer on time, Kabid Aplikasi late, Statistisi
    absent, Kabid Statistik on annual leave, Sekretaris Dinas on dinas luar, Kepala
    Dinas on time; the others (no records) absent. Refreshed Tuesday 08:00."""
    WorkLocation.objects.create(
        tenant=o.tenant,
        unit=o.dinas,
        name="Kantor Dinas Kominfo Arso",
        latitude=Decimal(str(OFFICE[0])),
        longitude=Decimal(str(OFFICE[1])),
        radius_m=100,
    )
    with timezone.override(WIT):
        frozen.move_to(at(MONDAY, 6))
        away(o, "kabid_b", "cuti_tahunan", MONDAY, MONDAY + dt.timedelta(days=1))
        away(o, "sekdis", "dinas_luar", MONDAY, MONDAY)
        taps = sorted(
            (at(MONDAY, *hm), key)
            for key, came, left in (
                ("staf_a", (7, 20), (16, 5)),
                ("kadis", (7, 25), (16, 10)),
                ("kabid_a", (8, 10), (16, 30)),
            )
            for hm in (came, left)
        )
        for moment, key in taps:
            tap(o, frozen, key, moment)
        frozen.move_to(at(MONDAY + dt.timedelta(days=1), 8))
        figures_refresh(tenant=o.tenant)
    return o


def att(unit: Any, day: dt.date = MONDAY) -> dict[str, int]:
    row = UnitDay.objects.filter(unit=unit, day=day).first()
    return {k: getattr(row, k) if row else 0 for k in ATT}


def test_figures_match_the_day_statuses(monday: SimpleNamespace) -> None:
    o = monday
    assert att(o.bid_a) == dict.fromkeys(ATT, 0) | {"att_present": 2, "att_late": 1}
    assert att(o.bid_b) == dict.fromkeys(ATT, 0) | {"att_absent": 1, "att_leave": 1}
    # Kadis present; Sekdis on duty; TU and Analis Kebijakan without a record.
    assert att(o.dinas) == dict.fromkeys(ATT, 0) | {
        "att_present": 1,
        "att_absent": 2,
        "att_duty": 1,
    }
    # Tuesday morning: nobody has a status yet except the one on leave.
    assert att(o.bid_b, MONDAY + dt.timedelta(days=1))["att_leave"] == 1
    assert att(o.bid_a, MONDAY + dt.timedelta(days=1))["att_absent"] == 0
    # Saturday and Sunday before are days off: nothing is counted.
    figures_rebuild(tenant=o.tenant, first=MONDAY - dt.timedelta(days=2), last=MONDAY)
    assert att(o.bid_b, MONDAY - dt.timedelta(days=1)) == dict.fromkeys(ATT, 0)
    assert att(o.bid_b) == dict.fromkeys(ATT, 0) | {"att_absent": 1, "att_leave": 1}


def test_api_and_pages_show_attendance_within_the_scope(
    monday: SimpleNamespace,
) -> None:
    o = monday
    query = {"from": str(MONDAY), "to": str(MONDAY)}
    data = client_for(o.users.kadis).get("/api/v1/dashboard/units", query).json()
    units = {u["name"]: u for u in data["units"]}
    dinas = units["Dinas Komunikasi dan Informatika"]
    assert dinas["own"]["att_duty"] == 1
    assert dinas["subtree"]["att_present"] == 3
    assert dinas["subtree"]["att_late"] == 1
    assert dinas["subtree"]["att_absent"] == 3
    assert dinas["subtree"]["att_leave"] == 1
    kabid = client_for(o.users.kabid_a)
    mine = kabid.get("/api/v1/dashboard/units", query).json()["units"]
    assert [(u["name"], u["own"]["att_late"]) for u in mine] == [("Bidang Aplikasi", 1)]
    assert kabid.get(f"/dasbor/unit/{o.bid_b.pk}/").status_code == 404
    page = kabid.get(f"/dasbor/unit/{o.bid_a.pk}/", query).content.decode()
    assert "Absent without reason (TK)" in page or "Tanpa keterangan (TK)" in page
    overview = client_for(o.users.kadis).get("/dasbor/", query)
    assert overview.status_code == 200
    assert "On official duty (dinas luar)" in overview.content.decode() or (
        "Dinas luar" in overview.content.decode()
    )


def test_another_tenant_sees_nothing(
    monday: SimpleNamespace, other_tenant: Any
) -> None:
    with tenant_scope(other_tenant):
        g = build_org(other_tenant, prefix="G")
    client = client_for(g.users.kadis)
    query = {"from": str(MONDAY), "to": str(MONDAY)}
    data = client.get("/api/v1/dashboard/units", query).json()
    ours = {monday.dinas.pk, monday.bid_a.pk, monday.bid_b.pk}
    assert not ours & {u["id"] for u in data["units"]}
    assert all(u["subtree"][k] == 0 for u in data["units"] for k in ATT)
    assert client.get(f"/dasbor/unit/{monday.bid_a.pk}/").status_code == 404
