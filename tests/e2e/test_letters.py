"""Incoming letters in the browser: the TU registers a letter, the Sekda disposes it from
a phone in at most three screens, an Asisten disposes further, the Kepala Bagian
reports the follow-up and the Asisten closes it — photographed at both widths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.demo import DEMO_PASSWORD, DemoData, totp_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SUBJECT = "Undangan Rapat Koordinasi Percepatan Penurunan Stunting"


def _username(person: Any) -> str:
    from warkat.accounts.models import User

    return User.objects.get(person=person).username


def _enter(page: Any, live_server: Any, person: Any) -> None:
    """Sign in as ``person``'s user, through the TOTP step if they are a signer."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/akun/login/")
    page.fill("input[name=login]", _username(person))
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    if "/2fa/" in page.url:
        page.fill("input[name=code]", totp_code())
        with page.expect_navigation():
            page.press("input[name=code]", "Enter")
    page.wait_for_load_state("networkidle")
    assert "/akun/" not in page.url, page.url


def _submit(page: Any, form: Any) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_register_dispose_redispose_follow_up_close(
    page: Any,
    live_server: Any,
    demo: DemoData,
    shoot: Callable[..., None],
    tmp_path: Path,
    browser: Any,
    browser_context_args: dict[str, Any],
) -> None:
    from warkat.letters.samples import sample_pdf

    people = demo.people
    scan = tmp_path / "undangan.pdf"
    scan.write_bytes(sample_pdf(["Dinas Kesehatan Provinsi Papua", f"Hal: {SUBJECT}"]))

    # 1. The Setda's TU registers the letter, addressed to the Sekda.
    _enter(page, live_server, people["tu_setda"])
    page.goto(f"{live_server.url}/surat/masuk/catat/")
    page.select_option(
        "select[name=addressed_position]", str(demo.positions["sekda"].pk)
    )
    page.fill("input[name=sender_institution]", "Dinas Kesehatan Provinsi Papua")
    page.fill("input[name=number]", "440/1234/DINKES/2026")
    today = dt.date.today()
    page.fill("input[name=letter_date]", (today - dt.timedelta(days=2)).isoformat())
    page.fill("input[name=received_date]", today.isoformat())
    page.fill("input[name=subject]", SUBJECT)
    page.fill("input[name=classification]", "000.1.5")
    page.select_option("select[name=urgency]", "segera")
    page.set_input_files("input[name=files]", str(scan))
    shoot("letter-register")
    _submit(page, page.locator("main form.stack").first)
    assert SUBJECT in page.locator("main").inner_text(), page.locator(
        "main"
    ).inner_html()[-3000:]
    letter_url = page.url

    # 2. The Sekda on a 390 px phone: inbox → letter (reads the PDF) → disposed.
    _enter(page, live_server, people["sekda"])
    page.set_viewport_size({"width": 390, "height": 844})
    screens: list[str] = []
    # Pages loaded (htmx's history bookkeeping, a replaceState, is not one).
    page.on("load", lambda p: screens.append(p.url))
    page.goto(f"{live_server.url}/surat/masuk/")
    shoot("inbox")
    with page.expect_navigation():
        page.get_by_role("link", name=SUBJECT).first.click()
    page.wait_for_load_state("networkidle")
    shoot("letter")
    pdf = page.locator("ul.files a").first
    response = page.request.get(live_server.url + pdf.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    form = page.locator("form.disposeform")
    form.locator(
        f"input[name=to_positions][value='{demo.positions['asisten1'].pk}']"
    ).check()
    form.locator(
        f"input[name=to_positions][value='{demo.positions['asisten3'].pk}']"
    ).check()
    form.locator("input[name=instructions]").first.check()
    form.locator("textarea[name=note]").fill("Mohon dihadiri dan dilaporkan.")
    deadline = form.locator("input[name=deadline]").input_value()
    assert deadline >= today.isoformat()
    _submit(page, form)
    main = page.locator("main").inner_text()
    assert demo.positions["asisten1"].name in main
    assert demo.positions["asisten3"].name in main
    assert len(screens) <= 3, screens
    shoot("letter-disposed")

    # 3. Asisten I disposes further, to the Kepala Bagian Pemerintahan.
    asisten = browser.new_context(**browser_context_args).new_page()
    _enter(asisten, live_server, people["asisten1"])
    asisten.goto(letter_url)
    with asisten.expect_navigation():
        asisten.locator("a[href*='?parent=']").first.click()
    form = asisten.locator("form.disposeform")
    form.locator(
        f"input[name=to_positions][value='{demo.positions['kabag_pem'].pk}']"
    ).check()
    form.locator("input[name=instructions]").first.check()
    _submit(asisten, form)
    shoot("letter-redisposed", asisten)

    # 4. The Kepala Bagian reports the follow-up.
    _enter(page, live_server, people["kabag_pem"])
    page.goto(letter_url)
    follow = page.locator("form[action*='tindak-lanjut']").first
    follow.locator("xpath=ancestor::details/summary").click()
    follow.locator("textarea[name=text]").fill("Sudah dihadiri; notulen terlampir.")
    _submit(page, follow)
    assert "notulen terlampir" in page.locator("main").inner_text()
    shoot("letter-followed-up")

    # 5. Asisten I is satisfied and closes it, still signed in in their own browser
    # (a TOTP code is accepted only once).
    asisten.reload()
    close = asisten.locator("form[action$='/close/']").first
    close.locator("xpath=ancestor::details/summary").click()
    close.locator("input[name=note]").fill("Terima kasih.")
    _submit(asisten, close)
    shoot("letter-closed", asisten)

    from warkat.dispositions.models import Disposition
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(demo.tenant):
        states = {
            d.to_position_id: d.state
            for d in Disposition.objects.filter(letter__subject=SUBJECT)
        }
    assert states[demo.positions["kabag_pem"].pk] == "closed", states
    assert states[demo.positions["asisten3"].pk] in {"sent", "read"}, states
