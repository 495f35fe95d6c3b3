"""The foundation in the browser: sign-in with username and NIP (with the TOTP step
for signers), home, organisation tree with search, people and person pages, CSV
import with its dry run, audit log and user administration — each photographed at
phone and desktop width."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.demo import DEMO_PASSWORD, DemoData, totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _heading(page: Any) -> str:
    return page.locator("h1").first.inner_text()


# Elements that end past the right edge, innermost first: named in the failure message.
_OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
    + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


def assert_fits_phone(page: Any) -> None:
    """The page scrolls only vertically at phone width (tables scroll inside their
    own wrapper or stack their cells)."""
    page.set_viewport_size(PHONE)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width, page.evaluate(_OVERFLOWING))


def test_admin_walks_the_foundation_pages(
    page: Any,
    live_server: Any,
    demo: DemoData,
    sign_in: Callable[[str, str], None],
    shoot: Callable[[str], None],
    tmp_path: Path,
) -> None:
    page.goto(f"{live_server.url}/akun/login/")
    shoot("login")
    sign_in("admin.keerom", DEMO_PASSWORD)
    assert page.url.rstrip("/") == live_server.url, page.locator("main").inner_text()
    assert "Keerom" in page.content()
    shoot("home")
    assert_fits_phone(page)

    # Organisation tree, then a live (htmx) search that narrows it.
    page.goto(f"{live_server.url}/organisasi/")
    assert page.get_by_text("Dinas Komunikasi dan Informatika").first.is_visible()
    # Deeper levels are not on the page until their unit is expanded (htmx).
    assert "Bidang Informasi dan Komunikasi Publik" not in page.content()
    summary = page.locator(
        "summary", has=page.locator(".code", has_text=re.compile(r"^DISKOMINFO$"))
    )
    kominfo = summary.locator("xpath=..")
    with page.expect_response(re.compile(r"/organisasi/unit/\d+/anak/")):
        summary.locator(".muted").click()
    bidang = kominfo.get_by_text("Bidang Informasi dan Komunikasi Publik")
    bidang.wait_for()
    assert bidang.is_visible()
    shoot("org-tree")
    assert_fits_phone(page)
    with page.expect_response(re.compile(r"/organisasi/\?q=")):
        page.fill("#unit-q", "kominfo")
    # The response reaches the test before htmx swaps it in: wait for the swap.
    expect(page.locator("#tree")).not_to_contain_text("Dinas Kesehatan")
    assert page.locator("#tree").count() == 1  # the search replaces the tree
    expect(page.locator("#tree")).to_contain_text("Komunikasi dan Informatika")
    shoot("org-tree-search")
    kominfo_url = page.get_by_role("link", name="Dinas Komunikasi dan Informatika")
    with page.expect_navigation():
        kominfo_url.first.click()
    expect(page.locator("main")).to_contain_text(
        "Bidang Informasi dan Komunikasi Publik"
    )
    assert_fits_phone(page)

    # People list, then one person with their assignment history (a Plh included).
    page.goto(f"{live_server.url}/organisasi/pegawai/")
    assert "61" in page.locator("main").inner_text()
    shoot("people")
    assert_fits_phone(page)
    plh = demo.people["sekretaris_kominfo"]
    page.goto(f"{live_server.url}/organisasi/pegawai/?q={plh.full_name.split()[-1]}")
    assert plh.full_name in page.locator("main").inner_text()
    page.goto(
        f"{live_server.url}/organisasi/pegawai/{demo.people['sekretaris_kominfo'].pk}/"
    )
    person_text = page.locator("main").inner_text()
    assert "Plh." in person_text, person_text
    shoot("person")
    assert_fits_phone(page)

    # Import: upload a CSV, read the dry-run report, confirm, see it applied.
    csv_file = tmp_path / "pegawai.csv"
    header = _template_header(page, live_server)
    csv_file.write_text(_people_csv(header), encoding="utf-8")
    page.goto(f"{live_server.url}/organisasi/impor/")
    shoot("import")
    assert_fits_phone(page)
    page.goto(f"{live_server.url}/organisasi/impor/people/")
    page.set_input_files("input[type=file]", str(csv_file))
    with page.expect_navigation():
        page.click("form.org-form button[type=submit]")
    report = page.locator("section.report").inner_text()
    assert "199001152015031004" in report
    shoot("import-dry-run")
    # A dry run writes nothing.
    people = page.request.get(f"{live_server.url}/organisasi/pegawai/?q=Yance")
    assert "Yance Uji Impor" not in people.text()
    with page.expect_navigation():
        page.click("section.report form button[type=submit]")
    page.goto(f"{live_server.url}/organisasi/pegawai/?q=Yance")
    assert "Yance Uji Impor" in page.locator("main").inner_text()

    # Audit log: the import's events are there.
    page.goto(f"{live_server.url}/audit/")
    assert "Yance Uji Impor" in page.locator("main").inner_text()
    shoot("audit")
    assert_fits_phone(page)

    # User administration.
    page.goto(f"{live_server.url}/akun/pengguna/")
    shoot("users")
    assert_fits_phone(page)
    page.goto(f"{live_server.url}/akun/pengguna/?q=staf.kominfo")
    assert "staf.kominfo.keerom" in page.locator("main").inner_text()

    # Disposition settings: a local non-working day, from the home page's link.
    page.goto(live_server.url)
    page.get_by_role("link", name="Pengaturan disposisi").click()
    page.fill("input[name=date]", "2026-12-01")
    page.fill("input[name=name]", "HUT Kabupaten Keerom")
    page.get_by_role("button", name="Tambah").click()
    expect(page.locator("main")).to_contain_text("HUT Kabupaten Keerom")
    shoot("disposition-settings")
    assert_fits_phone(page)


def _template_header(page: Any, live_server: Any) -> list[str]:
    response = page.request.get(
        f"{live_server.url}/organisasi/impor/people/templat.csv"
    )
    assert response.ok
    return response.text().lstrip("\ufeff").splitlines()[0].split(",")


def _people_csv(header: list[str]) -> str:
    """One new PNS, filling the template's columns by name."""
    values = {
        "nip": "199001152015031004",
        "full_name": "Yance Uji Impor",
        "employee_type": "pns",
        "rank": "III/a",
        "sex": "L",
    }
    row = [values.get(name, "") for name in header]
    return ",".join(header) + "\n" + ",".join(row) + "\n"


def test_staff_signs_in_with_nip_and_a_signer_with_totp(
    page: Any,
    live_server: Any,
    demo: DemoData,
    sign_in: Callable[[str, str], None],
    shoot: Callable[[str], None],
) -> None:
    staf = demo.people["staf_kominfo"]
    sign_in(staf.nip, DEMO_PASSWORD)
    assert page.url.rstrip("/") == live_server.url, page.url
    assert staf.full_name.split()[0] in page.content()
    page.context.clear_cookies()

    # A signer: password, then the authenticator code.
    sign_in("bupati.keerom", DEMO_PASSWORD)
    assert "/2fa/" in page.url, page.url
    shoot("login-totp")
    page.fill("input[name=code]", totp_code())
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server.url, page.url
    shoot("home-pimpinan")
