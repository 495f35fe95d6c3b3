"""Browser tests: the app served by ``live_server``, driven by Playwright in Debian's
Chromium. Every main page is photographed at phone (390 px) and desktop width."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the test body's ORM calls are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOT_DIR = Path(
    os.environ.get(
        "WARKAT_SCREENSHOT_DIR",
        Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots",
    )
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


#: Playwright's fixtures: a test using any of them starts the browser's event loop.
_BROWSER_FIXTURES = {"page", "context", "browser"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser tests, and run every test that drives a browser (here or in an
    app's tests) after all the others: Playwright's sync API keeps an event loop
    running in the main thread until the session ends, and code that starts its own
    (pyHanko's signing calls ``asyncio.run``) cannot run in a later test."""
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)

    def drives_a_browser(item: pytest.Item) -> bool:
        return bool(_BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))

    browser = [i for i in items if drives_a_browser(i)]
    if browser:
        items[:] = [i for i in items if not drives_a_browser(i)] + browser


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Indonesian first, as the people who use Warkat read it.
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jayapura"}


@pytest.fixture(autouse=True)
def _fresh_cache(transactional_db: Any) -> None:
    """Each browser test starts with an empty cache. The cache remembers the TOTP
    codes already used (per user id, which the next test's data gives the same
    people): a second sign-in with the same code in the same 30 s would be refused as
    a replay. (The database cache's table is put back with the migrated database
    (``tests/database.py``); this also holds for another cache backend.)"""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def shoot(page: Any) -> Callable[..., None]:
    """Save a full-page screenshot of the current page (or of ``target``, another
    signed-in page) at phone and desktop width."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def _shoot(name: str, target: Any = None) -> None:
        page_ = target or page
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page_.set_viewport_size(size)
            page_.wait_for_load_state("networkidle")
            page_.screenshot(
                path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True
            )
        page_.set_viewport_size(PHONE)

    return _shoot


@pytest.fixture
def sign_in(page: Any, live_server: Any) -> Callable[[str, str], None]:
    def _sign_in(login: str, password: str) -> None:
        page.goto(f"{live_server.url}/akun/login/")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", password)
        # Enter submits the sign-in form (the header has other forms' buttons).
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
        page.wait_for_load_state("networkidle")

    return _sign_in
