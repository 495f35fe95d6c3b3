"""Date inputs in the browser: a prefilled ``<input type="date">`` shows its value
and the value survives a save (Indonesian pages once rendered ``dd-mm-yyyy``, which
Chromium rejects: the field showed empty and the date was lost)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.demo import classification_codes_ensure
from warkat.tenancy.clock import tenant_localdate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "x-Pass-12345"


@pytest.fixture
def org(transactional_db: Any, tenant: Any) -> Any:
    from warkat.letters.tests.factories import build_org
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        return build_org(tenant)


def _submit(page: Any, form: Any) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_prefilled_dates_survive_a_save(
    page: Any,
    live_server: Any,
    org: Any,
    sign_in: Callable[[str, str], None],
    tmp_path: Any,
) -> None:
    from warkat.letters.models import Letter
    from warkat.letters.samples import sample_pdf
    from warkat.tenancy.scope import tenant_scope

    classification_codes_ensure()
    # The machine is shared: allow slow page loads rather than fail on time.
    page.set_default_timeout(90_000)
    today = tenant_localdate(org.tenant)
    scan = tmp_path / "surat.pdf"
    scan.write_bytes(sample_pdf(["Surat uji tanggal"]))

    # Registering a letter: "date received" is prefilled with today (Keerom's day).
    sign_in("tu", PASSWORD)
    page.goto(f"{live_server.url}/surat/masuk/catat/")
    received = page.locator("input[name=received_date]")
    assert received.get_attribute("type") == "date"
    assert received.input_value() == today.isoformat()
    page.select_option("select[name=addressed_position]", str(org.pos.kadis.pk))
    page.fill("input[name=sender_institution]", "Dinas Kominfo Provinsi Papua")
    page.fill("input[name=number]", "005/88/DISKOMINFO/2026")
    page.fill("input[name=letter_date]", (today - dt.timedelta(days=2)).isoformat())
    page.fill("input[name=subject]", "Uji tanggal yang terisi")
    page.fill("input[name=classification]", "000.1.1")
    page.set_input_files("input[name=files]", str(scan))
    # Saved as prefilled: the received date is not touched.
    _submit(page, page.locator("main form.stack").first)
    assert "/catat/" not in page.url, page.locator("main").inner_text()
    with tenant_scope(org.tenant):
        letter = Letter.objects.get(number="005/88/DISKOMINFO/2026")
    assert letter.received_date == today
    assert letter.letter_date == today - dt.timedelta(days=2)

    # The correction form opens with both dates filled in and saves them unchanged.
    page.goto(f"{live_server.url}/surat/{letter.pk}/koreksi/")
    assert page.locator("input[name=received_date]").input_value() == today.isoformat()
    assert (
        page.locator("input[name=letter_date]").input_value()
        == (today - dt.timedelta(days=2)).isoformat()
    )

    # A GET filter (the audit log) keeps the dates it was asked for.
    page.context.clear_cookies()
    sign_in("admin", PASSWORD)
    page.goto(f"{live_server.url}/audit/?date_from=2026-11-01&date_to=2026-11-30")
    assert page.locator("input[name=date_from]").input_value() == "2026-11-01"
    assert page.locator("input[name=date_to]").input_value() == "2026-11-30"
    _submit(page, page.locator("main form:has(input[name=date_from])"))
    assert "date_from=2026-11-01" in page.url and "date_to=2026-11-30" in page.url
