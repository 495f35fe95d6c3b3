"""On a 390 px phone: no page scrolls sideways, the letter is read as page pictures
(a PDF inside a page shows black on phones), and disposing is reachable from the top
of the letter page, not after the whole letter."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.demo import DemoData
from tests.e2e.test_letters import _enter

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def _open_letter(demo: DemoData) -> Any:
    """A demo letter the Sekda has not disposed yet, with its PDF."""
    from warkat.letters.models import Letter
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(demo.tenant):
        letter = (
            Letter.objects.filter(
                addressed_position=demo.positions["sekda"],
                status="new",
                files__content_type="application/pdf",
            )
            .order_by("pk")
            .first()
        )
    assert letter is not None
    return letter


def test_agenda_book_fits_a_phone(page: Any, live_server: Any, demo: DemoData) -> None:
    page.set_viewport_size(PHONE)
    _enter(page, live_server, demo.people["tu_setda"])
    page.goto(f"{live_server.url}/surat/masuk/agenda/")
    page.wait_for_load_state("networkidle")
    assert page.locator("table.list tbody tr").count() >= 3
    _no_sideways_scroll(page)


def test_letter_page_on_a_phone(page: Any, live_server: Any, demo: DemoData) -> None:
    letter = _open_letter(demo)
    page.set_viewport_size(PHONE)
    _enter(page, live_server, demo.people["sekda"])
    page.goto(f"{live_server.url}/surat/{letter.pk}/")
    page.wait_for_load_state("networkidle")
    _no_sideways_scroll(page)
    # The letter as pictures, loaded; no PDF frame on a phone.
    pictures = page.locator(".viewer .pages img")
    assert pictures.count() >= 1
    assert pictures.first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert not page.locator(".viewer iframe").is_visible()
    # Disposing starts within the first two screens, and the top of the page links
    # to it.
    top = page.evaluate(
        "document.querySelector('form.disposeform').getBoundingClientRect().top"
        " + window.scrollY"
    )
    assert top < PHONE["height"], top
    jump = page.locator("a[href='#dispose']").first
    assert jump.is_visible()
    link_top = jump.evaluate("a => a.getBoundingClientRect().top + window.scrollY")
    assert link_top < PHONE["height"], link_top
