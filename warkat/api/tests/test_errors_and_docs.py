"""The API's safety net for unexpected errors (a JSON 500 with a correlation id, never
an HTML page) and its documentation page, served from the app's own static files."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.test import Client

from warkat.org.tests import factories as f
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(tenant: Tenant) -> Client:
    with tenant_scope(tenant):
        user = f.user(tenant, "staf")
    client = Client()
    client.force_login(user)
    return client


def test_an_unexpected_exception_is_a_json_500_with_a_logged_correlation_id(
    client_in: Client, monkeypatch: Any, caplog: Any
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("warkat.notify.api.notifications_for", broken)
    with caplog.at_level(logging.ERROR):
        response = client_in.get("/api/v1/notifications")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server.error"
    assert body["message"] and body["message_en"]
    assert "a bug" not in response.content.decode()  # no internals revealed
    cid = body["correlation_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", cid)
    logged = [r for r in caplog.records if cid in r.getMessage()]
    assert logged and logged[0].exc_info, "the correlation id is logged with the trace"


def test_the_500_body_is_documented(client_in: Client) -> None:
    schema = client_in.get("/api/v1/openapi.json").json()
    for path in schema["paths"].values():
        for op in path.values():
            assert "500" in op["responses"], op["operationId"]
    props = schema["components"]["schemas"]["ErrorOut"]["properties"]
    assert "correlation_id" in props


def test_an_unknown_api_path_is_a_json_404(client_in: Client) -> None:
    response = client_in.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_docs_page_loads_only_same_origin_assets_that_are_served(
    client_in: Client,
) -> None:
    page = client_in.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith(".js") for a in assets), html
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not served by the app"
        served = client_in.get(asset)
        assert served.status_code == 200, asset
        assert served.getvalue(), asset
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp


def test_a_body_over_the_upload_limit_is_a_json_400(
    client_in: Client, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client_in.post(
        "/api/v1/push/subscriptions",
        data={"endpoint": "x" * 500},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "request.invalid"
