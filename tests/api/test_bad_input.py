"""Input at the edges never gives a server error: integers beyond 64 bits in any path,
query or body id of the API and the HTML pages, and dates at the ends of the calendar
in the filters. The API answers with its JSON error body and a 4xx status; a page
answers 4xx (or shows an empty result)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from tests.isolation.routes import example_body, html_routes
from warkat.org.tests import factories as f
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

#: One past the largest 64-bit signed integer (what a database id column holds).
HUGE = 2**64
#: Query parameters the pages read as numbers (page, filters by id, keyset cursors).
HTML_NUMBER_QUERY = ("page", "unit", "parent", "before", "year", "person", "position")
EDGE_DATES = (("0001-01-01", "0001-01-01"), ("9999-12-31", "9999-12-31"))


class _HugeIds(dict[str, Any]):
    """Every model's "object" has the id ``HUGE`` (for ``example_body``)."""

    def get(self, key: str, default: Any = None) -> Any:
        return SimpleNamespace(pk=HUGE, seq=HUGE)


def _is_integer(schema: dict[str, Any]) -> bool:
    branches = schema.get("anyOf", [schema])
    return any(b.get("type") == "integer" for b in branches)


@pytest.fixture
def admin(tenant: Tenant) -> Any:
    with tenant_scope(tenant):
        return f.user(tenant, "tenant_admin")


@pytest.fixture
def api_client(admin: Any) -> Client:
    from warkat.accounts.services import api_token_create

    _token, raw = api_token_create(user=admin, name="fuzz")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _json_answer(
    label: str, response: Any, problems: list[str], *, must_refuse: bool
) -> None:
    """A JSON answer, never a server error; an error body with a 4xx status when
    ``must_refuse`` (an id was out of range). Counts such as ``limit`` may be
    clamped instead."""
    status = response.status_code
    if status == 200 and not must_refuse:
        return
    if not 400 <= status < 500 or status == 401:
        problems.append(f"{label}: HTTP {status}")
        return
    if not response["Content-Type"].startswith("application/json"):
        problems.append(f"{label}: {response['Content-Type']} body")
        return
    body = response.json()
    if not (body.get("code") and body.get("message") and body.get("message_en")):
        problems.append(f"{label}: not the error body: {body}")


def test_api_ids_beyond_64_bits_are_json_4xx(api_client: Client) -> None:
    from warkat.api.urls import api

    schema = api.get_openapi_schema()
    problems: list[str] = []
    tried = 0
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            ints = {p["name"] for p in params if _is_integer(p.get("schema", {}))}
            url = path
            for p in params:
                if p["in"] == "path":
                    value = HUGE if p["name"] in ints else "pdf"
                    url = url.replace("{" + p["name"] + "}", str(value))
            query = {p["name"]: HUGE for p in params if p["in"] == "query"}
            query = {k: v for k, v in query.items() if k in ints}
            body_schema = (
                (op.get("requestBody") or {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            body, refers = (
                example_body(schema, body_schema, _HugeIds(), path)
                if body_schema
                else (None, False)
            )
            if not (url != path or query or refers):
                continue  # no id anywhere to make huge
            tried += 1
            label = f"{method.upper()} {url} {query or ''} {body or ''}"
            if method == "get":
                response = api_client.get(url, query)
            else:
                call = getattr(api_client, method)
                target = f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
                response = call(
                    target, data=body or {}, content_type="application/json"
                )
            must_refuse = url != path or refers or any(k.endswith("_id") for k in query)
            _json_answer(label, response, problems, must_refuse=must_refuse)
    assert tried > 40
    assert not problems, "\n".join(problems)


def test_api_date_filters_at_the_ends_of_the_calendar(api_client: Client) -> None:
    problems: list[str] = []
    for date_from, date_to in EDGE_DATES:
        for url in ("/api/v1/inbox", "/api/v1/audit/events"):
            query = {"date_from": date_from, "date_to": date_to}
            response = api_client.get(url, query)
            if response.status_code != 200:
                problems.append(f"GET {url} {query}: HTTP {response.status_code}")
    assert not problems, "\n".join(problems)


def test_pages_with_ids_beyond_64_bits_are_4xx(admin: Any) -> None:
    client = Client()
    client.force_login(admin)
    problems: list[str] = []
    for route in html_routes():
        huge = route.path(_HugeIds())
        if route.names_objects:
            for method in ("get", "post"):
                status = getattr(client, method)(huge).status_code
                if status != 404:
                    problems.append(f"{method.upper()} {huge}: HTTP {status}")
            continue
        query = dict.fromkeys(HTML_NUMBER_QUERY, HUGE)
        status = client.get(huge, query).status_code
        if status >= 500:
            problems.append(f"GET {huge} {query}: HTTP {status}")
        for date_from, date_to in EDGE_DATES:
            query = {"date_from": date_from, "date_to": date_to}
            status = client.get(huge, query).status_code
            if status >= 500:
                problems.append(f"GET {huge} {query}: HTTP {status}")
    assert not problems, "\n".join(problems)


def test_no_url_pattern_uses_the_unbounded_int_converter() -> None:
    from django.urls import URLResolver, get_resolver
    from django.urls.converters import IntConverter

    found: list[str] = []

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            converters = getattr(pattern.pattern, "converters", {})
            found.extend(
                f"{pattern.pattern} <{name}>"
                for name, conv in converters.items()
                if isinstance(conv, IntConverter)
            )
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)

    walk(get_resolver().url_patterns)
    assert not found, f"use <id:...> (warkat.core.converters): {found}"
