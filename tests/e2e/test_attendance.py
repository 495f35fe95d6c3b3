"""Checking in from a phone: a fake position inside, then outside the office
geofence, then offline (queued on the phone) and online again (sent once)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OFFICE = {"latitude": -2.93456, "longitude": 140.78701}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def staff(transactional_db: Any) -> Any:
    from warkat.attendance.models import WorkLocation
    from warkat.letters.tests.factories import build_org
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    tenant = tenant_create(region_code="91.11", actor=None, build_regions=False)
    with tenant_scope(tenant):
        o = build_org(tenant)
        WorkLocation.objects.create(
            tenant=tenant,
            unit=o.dinas,
            name="Kantor Dinas Kominfo Arso",
            latitude=Decimal("-2.934560"),
            longitude=Decimal("140.787010"),
            radius_m=100,
        )
    o.tenant = tenant
    return o


def _records(o: Any) -> list[Any]:
    from warkat.attendance.models import CheckIn
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(o.tenant):
        return list(CheckIn.objects.order_by("pk"))


def test_check_in_on_a_phone_inside_outside_offline(
    browser: Any, live_server: Any, staff: Any
) -> None:
    context = browser.new_context(
        viewport=PHONE,
        locale="id-ID",
        timezone_id="Asia/Jayapura",
        geolocation={**OFFICE, "accuracy": 12},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/akun/login/")
    page.fill("input[name=login]", staff.users.staf_a.username)
    page.fill("input[name=password]", "x-Pass-12345")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.goto(f"{live_server.url}/absen/")

    # Inside the geofence: recorded, not flagged.
    page.click("#absen-tap")
    page.wait_for_selector("#absen-status.ok")
    assert "Tercatat" in page.inner_text("#absen-status")
    assert [r.review for r in _records(staff)] == [""]

    # 2 km away: recorded, flagged with the reason shown at once.
    context.set_geolocation(
        {"latitude": OFFICE["latitude"] - 0.018, "longitude": OFFICE["longitude"]}
    )
    page.click("#absen-tap")
    page.wait_for_selector("#absen-status.flagged")
    assert "Di luar semua lokasi" in page.inner_text("#absen-status")
    assert [r.review for r in _records(staff)] == ["", "pending"]

    # Offline: kept on the phone with its time, sent once when back online.
    context.set_geolocation({**OFFICE, "accuracy": 9})
    context.set_offline(True)
    page.click("#absen-tap")
    page.wait_for_selector("#absen-status.queued")
    assert page.is_visible("#absen-queue")
    assert len(_records(staff)) == 2
    context.set_offline(False)
    page.wait_for_selector("#absen-queue", state="hidden")
    records = _records(staff)
    assert len(records) == 3 and records[-1].source == "offline"
    assert records[-1].device_at is not None
    # A reload (which flushes the queue again) records nothing twice.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert len(_records(staff)) == 3
    context.close()
