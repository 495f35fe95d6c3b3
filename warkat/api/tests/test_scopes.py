"""Every route of the API declares the scope a token needs, and no token reaches a
route without it. The routes are enumerated from the API itself, so a route added
later without a scope fails here (and, fail closed, admits no token meanwhile)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from warkat.api.base import SessionOrToken
from warkat.api.scopes import SCOPES
from warkat.api.urls import api
from warkat.core.errors import PermissionDenied

#: The routes anyone may call without a token: said here on purpose.
PUBLIC_ROUTES = {
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/verify/{code}"),
    ("POST", "/api/v1/verify"),
}


def routes() -> list[tuple[str, str, str | None, bool]]:
    """(method, OpenAPI path, required scope, public) of every operation."""
    found = []
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            full = "/api/v1/" + "/".join(p.strip("/") for p in (router.prefix, path))
            full = re.sub(r"/+", "/", full).rstrip("/")
            full = re.sub(r"{[^}:]+:", "{", full)
            for op in path_view.operations:
                auths = list(op.auth_callbacks)
                scoped = [a for a in auths if isinstance(a, SessionOrToken)]
                needed = scoped[0].required_scope if scoped else None
                for method in op.methods:
                    found.append((method, full, needed, not auths))
    return found


def url(path: str) -> str:
    # Ids that name nothing: a route the token may reach answers 404/422, never
    # changes anything.
    return re.sub(r"{[^}]+}", "987654", path)


def test_every_route_declares_a_scope_or_is_public() -> None:
    all_routes = routes()
    assert len(all_routes) > 100
    public = {(m, p) for m, p, _s, is_public in all_routes if is_public}
    assert public == PUBLIC_ROUTES
    undeclared = [(m, p) for m, p, s, pub in all_routes if not pub and s is None]
    assert undeclared == []
    unknown = [(m, p, s) for m, p, s, pub in all_routes if s and s not in SCOPES]
    assert unknown == []


def test_openapi_names_each_routes_scope() -> None:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    expected = {(m, p): s for m, p, s, _pub in routes()}
    seen = 0
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            needed = expected[(method.upper(), path)]
            if needed is None:
                assert op.get("x-public") is True and "security" not in op
            else:
                assert op["x-required-scope"] == needed
                assert op["security"] == [{"SessionOrToken": [needed]}]
            seen += 1
    assert seen == len(expected)


def test_a_route_that_declares_nothing_admits_no_token() -> None:
    request = SimpleNamespace(
        user=SimpleNamespace(is_authenticated=True, tenant_id=1),
        api_token=object(),
        api_token_scopes=None,
        api_token_error=None,
    )
    with pytest.raises(PermissionDenied):
        SessionOrToken()(request)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_no_route_is_reachable_by_a_token_without_its_scope(tenant: Any) -> None:
    from warkat.accounts.models import ApiToken
    from warkat.accounts.services import api_token_create
    from warkat.accounts.tests.conftest import make_user
    from warkat.tenancy.scope import tenant_scope

    admin = make_user(tenant, "admin.scopes", "tenant_admin")
    with tenant_scope(tenant):
        token, raw = api_token_create(user=admin)
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    problems: list[tuple[str, str, str, object]] = []
    for method, path, needed, public in routes():
        if public:
            continue
        assert needed is not None
        # Every scope but the one needed: refused before the route runs.
        ApiToken.objects.with_scopes_disabled().filter(pk=token.pk).update(
            scopes=sorted(set(SCOPES) - {needed})
        )
        response = client.generic(
            method, url(path), b"{}", content_type="application/json"
        )
        if response.status_code != 403 or (
            response.json().get("code") != "auth.scope_missing"
        ):
            problems.append((method, path, "reachable without", response.status_code))
        # Only the scope needed: the scope is no longer what stops it.
        ApiToken.objects.with_scopes_disabled().filter(pk=token.pk).update(
            scopes=[needed]
        )
        if (method, path) == ("DELETE", "/api/v1/auth/token"):
            continue  # would revoke the token the loop uses
        response = client.generic(
            method, url(path), b"{}", content_type="application/json"
        )
        body = (
            response.json()
            if response["Content-Type"].startswith("application/json")
            else {}
        )
        if isinstance(body, dict) and body.get("code") == "auth.scope_missing":
            problems.append((method, path, "refused with", needed))
    assert problems == []
