"""The Keerom demo: locations, history, a flagged record, pending requests."""

from __future__ import annotations

from typing import Any

import pytest

from warkat.attendance.models import AttendanceRequest, CheckIn, WorkLocation
from warkat.demo.attendance import demo_attendance_load

pytestmark = pytest.mark.django_db


def test_demo_loads_once(in_tenant: Any) -> None:
    from warkat.demo.organisation import demo_org_load

    people = demo_org_load(tenant=in_tenant)["people"]
    made = demo_attendance_load(tenant=in_tenant, people=people, days=10)
    assert {"DISKOMINFO", "91.11.02"} <= set(made["locations"])
    assert WorkLocation.objects.filter(name="Kantor Distrik Waris").exists()
    assert made["records"] > 100
    assert made["flagged"].review == "pending"
    assert [f["code"] for f in made["flagged"].flags] == ["outside"]
    assert AttendanceRequest.objects.filter(state="pending").count() == 3
    count = CheckIn.objects.count()
    demo_attendance_load(tenant=in_tenant, people=people, days=10)
    assert CheckIn.objects.count() == count
