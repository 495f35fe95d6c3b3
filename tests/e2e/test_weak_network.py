"""Pages on a weak network (issue 15), as the browser sees them: nothing holds the
first paint back (no stylesheet to fetch, scripts deferred), and nothing the page does
trips the content-security policy or lands in the console as an error (htmx's own
indicator <style> did; so did the missing favicon)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.demo import DemoData
from tests.e2e.test_letters import _enter
from tests.e2e.test_phone import PHONE, _open_letter
from warkat.letters.page_sizes import NARROW

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # A refused inline style shows as a console error and as this event.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return errors


def _nothing_blocks_rendering(page: Any) -> None:
    blocking = page.evaluate(
        """() => [
            ...[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href),
            ...[...document.querySelectorAll('script[src]')]
                .filter(s => !s.defer && !s.async).map(s => s.src),
        ]"""
    )
    assert blocking == [], (page.url, blocking)
    # The page's styles applied (they travel inside it now).
    bar = page.evaluate("getComputedStyle(document.querySelector('.topbar')).display")
    assert bar == "flex", page.url


def test_sign_in_and_inbox_without_console_errors(
    page: Any, live_server: Any, demo: DemoData
) -> None:
    errors = _console_errors(page)
    page.goto(f"{live_server.url}/akun/login/")
    page.wait_for_load_state("networkidle")
    _nothing_blocks_rendering(page)
    # The sign-in page has no hx- attributes: no htmx to fetch and start.
    assert page.evaluate("typeof window.htmx") == "undefined"

    _enter(page, live_server, demo.people["sekda"])
    page.goto(f"{live_server.url}/surat/masuk/")
    page.wait_for_load_state("networkidle")
    _nothing_blocks_rendering(page)
    assert page.locator("ul.inbox li.item").count() >= 1
    # Nothing but htmx is fetched at load, into the cache once the page is shown (it
    # runs at the first action); the favicon is inside the page, and the web-app
    # manifest is linked once the person does something.
    expect(page.locator("link[rel=prefetch]")).to_have_count(1)
    assert page.evaluate("typeof window.htmx") == "undefined"
    assert page.evaluate("document.querySelector('link[rel=icon]').href").startswith(
        "data:image/png;base64,"
    )
    assert page.locator("link[rel=manifest]").count() == 0
    page.keyboard.press("Shift")
    expect(page.locator("link[rel=manifest]")).to_have_count(1)
    # The inbox's filter is htmx: run, and leaving its indicator styles to app.css.
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False

    # The letter on a phone: its page pictures come in the narrow rendition.
    letter = _open_letter(demo)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/surat/{letter.pk}/")
    page.wait_for_load_state("networkidle")
    _nothing_blocks_rendering(page)
    first = page.locator(".viewer .pages img").first
    first.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('.viewer .pages img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert first.evaluate("img => img.currentSrc").endswith("-kecil.jpg")
    assert first.evaluate("img => img.naturalWidth") == NARROW
    assert errors == []


def test_htmx_hears_what_came_before_it_ran(
    page: Any, live_server: Any, demo: DemoData
) -> None:
    """htmx runs at the first action; a search typed before it has arrived (held
    back here, as on a slow network) still searches once it runs."""
    errors = _console_errors(page)
    letter = _open_letter(demo)
    _enter(page, live_server, demo.people["sekda"])
    held: list[Any] = []

    def hold(route: Any) -> None:
        if route.request.resource_type == "script":
            held.append(route)
        else:  # the prefetch at load
            route.continue_()

    page.route(re.compile(r"/static/django_htmx/htmx-2[.a-z0-9]*\.js$"), hold)
    page.goto(f"{live_server.url}/disposisi/surat/{letter.pk}/")
    search = page.locator("input[name=q][hx-get]")
    search.fill("kepala")  # focus, then typing: htmx is asked for, and held
    page.wait_for_timeout(300)
    while not held:
        page.wait_for_timeout(50)
    assert page.evaluate("typeof window.htmx") == "undefined"
    with page.expect_response(lambda r: "/jabatan/?q=kepala" in r.url):
        held.pop().continue_()
    expect(page.locator("#more-candidates label.check").first).to_be_visible()
    assert search.input_value() == "kepala"
    # Typing on, now with htmx running: searched as before.
    with page.expect_response(lambda r: "/jabatan/?q=kepala%20dinas" in r.url):
        search.fill("kepala dinas")
    assert errors == []
