"""The API documentation page renders its operations in the browser under the
content-security policy, with nothing loaded from another origin."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_api_docs_render_operations_without_csp_errors(
    page: Any, live_server: Any
) -> None:
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if m.type in ("error", "warning") else None,
    )
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(live_server.url) or r.url.startswith("data:")
            else foreign.append(r.url)
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert page.locator(".opblock").count() > 50
    assert "/api/v1/letters/{letter_id}" in page.content()
    assert not foreign, foreign
    assert not [m for m in console if "Content Security Policy" in m], console
