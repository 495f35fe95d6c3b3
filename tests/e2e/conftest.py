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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def shoot(page: Any) -> Callable[[str], None]:
    """Save a full-page screenshot of the current page at phone and desktop width."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def _shoot(name: str) -> None:
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            page.wait_for_load_state("networkidle")
            page.screenshot(
                path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True
            )
        page.set_viewport_size(PHONE)

    return _shoot


@pytest.fixture
def sign_in(page: Any, live_server: Any) -> Callable[[str, str], None]:
    def _sign_in(login: str, password: str) -> None:
        page.goto(f"{live_server.url}/akun/login/")
        page.fill("input[name=login]", login)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

    return _sign_in
