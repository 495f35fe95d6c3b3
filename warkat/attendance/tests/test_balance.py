"""Annual leave balance (PP 11/2017): 12 working days, carry-over up to 18 days
with last year's unused days and 24 after two unused years, years before the
records carry nothing; working days only; one request per year; the API and
the pages show it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from warkat.attendance.balance import leave_balance
from warkat.attendance.models import AttendanceRequest, AttendanceSettings
from warkat.attendance.schedule import attendance_settings
from warkat.attendance.tests.conftest import NOTE
from warkat.dispositions.calendar import national_holidays
from warkat.letters.tests.factories import client_for
from warkat.org.tests import factories as org
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/requests"


def taken(o: Any, year: int, days: int, state: str = "approved") -> None:
    """An annual leave of ``days`` working days in January of ``year``."""
    start = dt.date(year, 1, 5)
    AttendanceRequest.objects.create(
        tenant=o.tenant, person=o.people.staf_a, kind="cuti_tahunan",
        start_date=start, end_date=start + dt.timedelta(days=days), reason="Cuti",
        days=days, approver_position=o.pos.kabid_a, state=state,
        created_at=dt.datetime(year, 1, 2, tzinfo=dt.UTC),
        decided_at=dt.datetime(year, 1, 3, tzinfo=dt.UTC),
        decided_by=o.people.kabid_a,
    )  # fmt: skip


def records_from(o: Any, year: int) -> AttendanceSettings:
    AttendanceSettings.objects.update_or_create(
        tenant=o.tenant, defaults={"leave_records_from": year}
    )
    return attendance_settings(o.tenant)


def balance(o: Any, year: int) -> Any:
    return leave_balance(
        person=o.people.staf_a, year=year, settings=attendance_settings(o.tenant)
    )


@pytest.mark.parametrize(
    ("first", "used", "available"),
    [
        (2026, {}, 12),  # the first recorded year: nothing carried
        (2025, {2025: 4}, 18),  # 8 unused, capped at 6 carried
        (2025, {2025: 10}, 14),  # 2 unused carried
        (2025, {2025: 14}, 12),  # used more than its own (carried days)
        (2025, {}, 18),  # one unused year: 18 at most
        (2024, {}, 24),  # two unused years in a row: 24 at most
        (2024, {2024: 1}, 18),  # not two years in a row
    ],
)
def test_carry_over_at_the_year_boundary(
    o: Any, first: int, used: dict[int, int], available: int
) -> None:
    records_from(o, first)
    for year, days in used.items():
        taken(o, year, days)
    b = balance(o, 2026)
    assert (b.entitlement, b.available, b.left) == (12, available, available)


def test_pending_requests_reserve_days_and_refused_ones_do_not(o: Any) -> None:
    records_from(o, 2026)
    taken(o, 2026, 3)
    taken(o, 2026, 2, state="pending")
    taken(o, 2026, 5, state="refused")
    b = balance(o, 2026)
    assert (b.taken, b.pending, b.left) == (3, 2, 7)


def test_caps_are_tenant_settings(o: Any) -> None:
    settings = records_from(o, 2024)
    settings.leave_cap_two_years = 20
    settings.annual_leave_days = 10
    settings.save()
    assert balance(o, 2026).available == 20


def test_first_recorded_year_defaults_to_the_first_request(o: Any) -> None:
    taken(o, 2025, 4)  # the tenant's first request: 2025 is recorded
    assert balance(o, 2026).available == 18
    assert balance(o, 2025).available == 12


def ask(o: Any, start: str, end: str, who: str = "staf_a") -> Any:
    body = {"kind": "cuti_tahunan", "start_date": start, "end_date": end,
            "reason": "Urusan keluarga"}  # fmt: skip
    return client_for(getattr(o.users, who)).post(
        URL, data=json.dumps(body), content_type="application/json"
    )


def test_holidays_and_cuti_bersama_are_not_leave_days(o: Any) -> None:
    res = ask(o, "2026-12-21", "2026-12-31")
    assert res.status_code == 201, res.content
    holidays = national_holidays(2026)
    weekdays = [
        dt.date(2026, 12, d)
        for d in range(21, 32)
        if dt.date(2026, 12, d).weekday() < 5
    ]
    expected = len([d for d in weekdays if d not in holidays])
    assert expected < len(weekdays)  # Christmas (and cuti bersama) fall inside
    assert res.json()["days"] == expected


def test_a_request_over_the_new_year_is_split(o: Any) -> None:
    res = ask(o, "2026-12-28", "2027-01-08")
    assert res.status_code == 422
    assert res.json()["code"] == "attendance.leave_spans_years"
    assert "per tahun" in res.json()["message"]


def test_next_years_request_uses_next_years_balance(o: Any) -> None:
    records_from(o, 2026)
    taken(o, 2026, 10)  # 2 days unused: 14 in 2027
    assert ask(o, "2026-11-09", "2026-11-11").status_code == 422  # 2 left in 2026
    assert ask(o, "2027-01-11", "2027-01-15").status_code == 201
    left = client_for(o.users.staf_a).get("/api/v1/attendance/leave-balance?year=2027")
    body = left.json()
    assert (body["available"], body["carried"]) == (14, 2)
    assert body["left"] == 14 - body["pending"] and body["pending"] > 0
    too_many = ask(o, "2027-02-01", "2027-02-26")
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "attendance.balance_exceeded"


@pytest.mark.parametrize(
    ("who", "status"), [("staf_a", 200), ("kabid_a", 200), ("kadis", 200),
                        ("staf_b", 403), ("kabid_b", 403)]
)  # fmt: skip
def test_balance_api_for_self_and_superiors_only(o: Any, who: str, status: int) -> None:
    res = client_for(getattr(o.users, who)).get(
        f"/api/v1/attendance/leave-balance?person={o.people.staf_a.pk}"
    )
    assert res.status_code == status
    if status == 200:
        assert res.json()["available"] == 12


def test_balance_api_personnel_office_and_other_tenant(
    o: Any, other_tenant: Any
) -> None:
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    url = f"/api/v1/attendance/leave-balance?person={o.people.staf_a.pk}"
    assert client_for(bkpsdm).get(url).status_code == 200
    with tenant_scope(other_tenant):
        stranger = org.user(other_tenant, "kepegawaian", username="bkpsdm.gtlo")
    assert client_for(stranger).get(url).status_code == 403


def test_pages_show_the_balance_to_the_person_and_the_approver(o: Any) -> None:
    assert ask(o, "2026-11-09", "2026-11-10").status_code == 201
    mine = client_for(o.users.staf_a).get("/absen/permohonan/").content.decode()
    assert "Cuti tahunan 2026: sisa 10 dari 12 hari kerja" in mine
    todo = client_for(o.users.kabid_a).get("/absen/permohonan/").content.decode()
    assert "Cuti tahunan 2026: hak 12 hari, 0 sudah diambil, 2 diajukan" in todo


@pytest.mark.parametrize(
    ("kind", "end", "status"),
    [
        ("cuti_alasan_penting", "2026-12-08", 201),  # within one month
        ("cuti_alasan_penting", "2026-12-09", 422),
        ("cuti_melahirkan", "2027-02-08", 201),  # within three months
        ("cuti_melahirkan", "2027-02-09", 422),
    ],
)
def test_longest_leave_of_a_kind(o: Any, kind: str, end: str, status: int) -> None:
    body = {"kind": kind, "start_date": "2026-11-09", "end_date": end,
            "reason": "Keluarga", "documents": [NOTE]}  # fmt: skip
    res = client_for(o.users.staf_a).post(
        URL, data=json.dumps(body), content_type="application/json"
    )
    assert res.status_code == status, res.content
    if status == 422:
        assert res.json()["code"] == "attendance.leave_too_long"
        assert "paling lama" in res.json()["message"]
