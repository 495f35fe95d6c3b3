"""National leave rules (PP 11/2017 as amended by PP 17/2020), tenant-adjustable:
one year of service before annual leave, five before cuti besar and CLTN, cuti bersama and the annual entitlement,
unpaid leave up to three years, maternity leave for the first three children."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import translation

from warkat.attendance import errors
from warkat.attendance.balance import leave_balance
from warkat.attendance.models import (
    AttendanceRequest,
    AttendanceSettings,
    RosterEntry,
    Shift,
)
from warkat.attendance.schedule import attendance_settings
from warkat.attendance.tests.conftest import NOTE
from warkat.dispositions.calendar import cuti_bersama_days
from warkat.letters.tests.factories import client_for
from warkat.org.tests.factories import nip_pns, nip_pppk
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/requests"


def ask(o: Any, kind: str, start: str, end: str) -> Any:
    body = {"kind": kind, "start_date": start, "end_date": end,
            "reason": "Keperluan keluarga", "documents": [NOTE]}  # fmt: skip
    return client_for(o.users.staf_a).post(
        URL, data=json.dumps(body), content_type="application/json"
    )


def appointed(o: Any, year: int, month: int) -> None:
    o.people.staf_a.nip = nip_pns(tmt=(year, month))
    o.people.staf_a.save(update_fields=["nip"])


def balance(o: Any, year: int) -> Any:
    with tenant_scope(o.tenant):
        settings = attendance_settings(o.tenant)
        return leave_balance(person=o.people.staf_a, year=year, settings=settings)


def test_no_annual_leave_before_one_year_of_service(o: Any) -> None:
    appointed(o, 2026, 3)  # TMT CPNS March 2026: a year of service in March 2027
    res = ask(o, "cuti_tahunan", "2026-11-09", "2026-11-10")
    assert res.status_code == 422
    assert res.json()["code"] == "attendance.service_too_short"
    assert "2027-03-01" in res.json()["message"]
    assert "satu tahun" in res.json()["message"]
    assert balance(o, 2026).left == 0 and balance(o, 2026).eligible_from == (
        dt.date(2027, 3, 1)
    )
    assert balance(o, 2027).entitlement == 12  # the right arises during 2027
    assert AttendanceRequest.objects.count() == 0


def test_service_condition_is_tenant_adjustable(o: Any) -> None:
    appointed(o, 2026, 3)
    AttendanceSettings.objects.update_or_create(
        tenant=o.tenant, defaults={"annual_leave_service_months": 6}
    )
    assert ask(o, "cuti_tahunan", "2026-11-09", "2026-11-10").status_code == 201


def test_a_full_year_of_service_has_annual_leave(o: Any) -> None:
    appointed(o, 2025, 11)  # TMT 1 November 2025: one year on 1 November 2026
    assert ask(o, "cuti_tahunan", "2026-11-09", "2026-11-10").status_code == 201


def test_pppk_counts_from_its_tmt_year(o: Any) -> None:
    o.people.staf_a.employee_type = "pppk"
    o.people.staf_a.nip = nip_pppk(year=2026)
    o.people.staf_a.save(update_fields=["employee_type", "nip"])
    assert ask(o, "cuti_tahunan", "2026-11-09", "2026-11-10").status_code == 422


def _rostered_on(o: Any, day: dt.date) -> None:
    shift = Shift.objects.create(
        tenant=o.tenant,
        unit=o.dinas,
        name="Pagi",
        start=dt.time(7),
        end=dt.time(14),
    )
    RosterEntry.objects.create(
        tenant=o.tenant, person=o.people.staf_a, day=day, shift=shift
    )


def test_cuti_bersama_does_not_reduce_annual_leave_by_the_national_rule(
    o: Any,
) -> None:
    bersama = sorted(d for d in cuti_bersama_days(2026) if d.weekday() < 5)
    assert bersama  # the calendar knows the year's cuti bersama
    assert balance(o, 2026).entitlement == 12
    # Rostered to work on a cuti bersama day: that day is added (Pasal 333(3)).
    _rostered_on(o, bersama[0])
    got = balance(o, 2026)
    assert (got.entitlement, got.bersama_worked, got.bersama_deducted) == (13, 1, 0)


def test_tenant_may_count_cuti_bersama_against_annual_leave(o: Any) -> None:
    bersama = sorted(d for d in cuti_bersama_days(2026) if d.weekday() < 5)
    AttendanceSettings.objects.update_or_create(
        tenant=o.tenant, defaults={"cuti_bersama_reduces_annual": True}
    )
    got = balance(o, 2026)
    assert got.entitlement == 12 - len(bersama)
    assert got.bersama_deducted == len(bersama)
    # A person who must work on a cuti bersama day keeps that day.
    _rostered_on(o, bersama[0])
    assert balance(o, 2026).entitlement == 12 - len(bersama) + 1


@pytest.mark.parametrize(
    ("end", "status"),
    [
        ("2027-12-31", 201),  # more than a year: no longer refused
        ("2029-11-08", 201),  # three years less a day
        ("2029-11-09", 422),  # over three years
    ],
)
def test_unpaid_leave_up_to_three_years(o: Any, end: str, status: int) -> None:
    res = ask(o, "cuti_cltn", "2026-11-09", end)
    assert res.status_code == status, res.content
    if status == 422:
        assert res.json()["code"] == "attendance.leave_too_long"
        assert "36" in res.json()["message"]


def test_unpaid_leave_limit_is_tenant_adjustable(o: Any) -> None:
    AttendanceSettings.objects.update_or_create(
        tenant=o.tenant, defaults={"cltn_max_months": 12}
    )
    assert ask(o, "cuti_cltn", "2026-11-09", "2027-11-09").status_code == 422


def _maternity(o: Any, year: int, state: str = "approved") -> None:
    AttendanceRequest.objects.create(
        tenant=o.tenant, person=o.people.staf_a, kind="cuti_melahirkan",
        start_date=dt.date(year, 2, 2), end_date=dt.date(year, 4, 30),
        reason="Melahirkan", days=60, approver_position=o.pos.kabid_a, state=state,
        created_at=dt.datetime(year, 1, 2, tzinfo=dt.UTC),
        decided_at=dt.datetime(year, 1, 3, tzinfo=dt.UTC),
        decided_by=o.people.kabid_a,
    )  # fmt: skip


def test_maternity_leave_for_the_first_three_children_only(o: Any) -> None:
    for year in (2015, 2018):
        _maternity(o, year)
    _maternity(o, 2020, state="refused")  # a refused request is not a child
    assert ask(o, "cuti_melahirkan", "2026-11-09", "2027-01-08").status_code == 201
    AttendanceRequest.objects.filter(start_date__year=2026).update(
        state="approved", decided_at=dt.datetime(2026, 11, 4, tzinfo=dt.UTC),
        decided_by=o.people.kabid_a,
    )  # fmt: skip
    res = ask(o, "cuti_melahirkan", "2027-03-01", "2027-04-30")
    assert res.status_code == 422
    assert res.json()["code"] == "attendance.maternity_limit"
    assert "cuti besar" in res.json()["message"]
    # The fourth child: cuti besar is accepted.
    assert ask(o, "cuti_besar", "2027-03-01", "2027-04-30").status_code == 201


@pytest.mark.parametrize("kind", ["cuti_besar", "cuti_cltn"])
@pytest.mark.parametrize(
    ("start", "status"),
    [("2026-11-30", 422), ("2026-12-01", 201)],
)
def test_long_leave_needs_five_years_of_service(
    o: Any, kind: str, start: str, status: int
) -> None:
    appointed(o, 2021, 12)  # TMT CPNS December 2021: five years on 1 December 2026
    res = ask(o, kind, start, "2026-12-04")
    assert res.status_code == status, res.content
    if status == 422:
        assert res.json()["code"] == "attendance.long_leave_service_too_short"
        assert res.json()["field"] == "start_date"
        assert "2026-12-01" in res.json()["message"]
        assert "lima tahun" in res.json()["message"]
        assert AttendanceRequest.objects.count() == 0


def test_long_leave_service_message_in_both_languages() -> None:
    error = errors.long_leave_service_too_short(dt.date(2027, 1, 1))
    with translation.override("en"):
        assert "five years of continuous service" in error.text()
        assert "2027-01-01" in error.text()
    with translation.override("id"):
        assert "lima tahun secara terus-menerus" in error.text()


def test_settings_api_shows_and_changes_the_leave_rules(o: Any) -> None:
    client = client_for(o.users.admin)
    url = "/api/v1/attendance/settings"
    got = client.get(url).json()
    assert (got["annual_leave_service_months"], got["cltn_max_months"]) == (12, 36)
    assert (got["maternity_children"], got["cuti_bersama_reduces_annual"]) == (3, False)
    res = client.patch(
        url,
        data=json.dumps({"cuti_bersama_reduces_annual": True, "cltn_max_months": 24}),
        content_type="application/json",
    )
    assert res.status_code == 200, res.content
    assert res.json()["cuti_bersama_reduces_annual"] is True
    bad = client.patch(
        url,
        data=json.dumps({"maternity_children": -1}),
        content_type="application/json",
    )
    assert bad.status_code == 422
