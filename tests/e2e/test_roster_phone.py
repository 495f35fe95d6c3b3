"""The shift roster grid on a phone: the month grid scrolls inside its own box
(the page does not grow wider than the screen), a cell is set and saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def office(transactional_db: Any) -> Any:
    from warkat.attendance.models import Shift
    from warkat.letters.tests.factories import build_org
    from warkat.org.tests import factories as org
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    tenant = tenant_create(region_code="91.11", actor=None, build_regions=False)
    with tenant_scope(tenant):
        o = build_org(tenant)
        Shift.objects.create(
            tenant=tenant, unit=o.bid_a, name="Pagi",
            start=dt.time(7), end=dt.time(14),
        )  # fmt: skip
        officer = org.person(tenant, full_name="Petugas BKPSDM")
        o.bkpsdm = org.user(
            tenant, "kepegawaian", person_=officer, username="bkpsdm.e2e"
        )
    o.tenant = tenant
    return o


def test_roster_grid_on_a_phone(browser: Any, live_server: Any, office: Any) -> None:
    from warkat.attendance.models import RosterEntry
    from warkat.tenancy.scope import tenant_scope

    context = browser.new_context(
        viewport=PHONE, locale="id-ID", timezone_id="Asia/Jayapura"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/akun/login/")
    page.fill("input[name=login]", "bkpsdm.e2e")
    page.fill("input[name=password]", "x-Pass-12345")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.goto(f"{live_server.url}/absen/jadwal-shift/?unit={office.bid_a.pk}")
    grid = page.locator(".absen-scroll")
    assert grid.is_visible()
    # The grid is wider than the phone and scrolls in its box; the page does not.
    assert grid.evaluate("e => e.scrollWidth > e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cell = page.locator(f"select[name^='c-{office.people.staf_a.pk}-']").first
    name = cell.get_attribute("name")
    assert name is not None
    cell.scroll_into_view_if_needed()
    cell.select_option("Pagi")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert page.locator(f"select[name='{name}']").input_value() == "Pagi"
    day = dt.date.fromisoformat(name.split("-", 2)[2])
    with tenant_scope(office.tenant):
        entry = RosterEntry.objects.get(person=office.people.staf_a, day=day)
        assert entry.shift is not None and entry.shift.name == "Pagi"
    context.close()
