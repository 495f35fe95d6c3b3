"""Bad input and faults at the OpenID Connect endpoints: each gets the specified
OAuth error and changes nothing (no code, no token, no consent, no audit event)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from warkat.accounts.models import User
from warkat.audit.models import AuditEvent
from warkat.sso import services
from warkat.sso.models import CodeUse, Consent
from warkat.sso.tests.conftest import (
    REDIRECT,
    App,
    authorize_url,
    consent,
    continue_target,
    exchange,
    get_code,
    pkce,
    query,
    refresh,
    register,
    userinfo,
)
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants, tenant_scope

pytestmark = pytest.mark.django_db


def _state() -> dict[str, Any]:
    """Everything an OAuth request could change."""
    with all_tenants():
        return {
            "grants": sorted(Grant.objects.values_list("pk", flat=True)),
            "access": sorted(AccessToken.objects.values_list("pk", "expires")),
            "refresh": sorted(RefreshToken.objects.values_list("pk", "revoked")),
            "consents": Consent.objects.count(),
            "codes": sorted(CodeUse.objects.values_list("pk", "replayed_at")),
            "audit": AuditEvent.objects.count(),
        }


def _tokens(app: App, web: HttpClient, user: User) -> dict[str, Any]:
    code, verifier = get_code(web, app, user)
    response = exchange(app, code, verifier)
    assert response.status_code == 200
    return response.json()


def test_wrong_redirect_uri_is_refused_without_redirecting(
    web: HttpClient, app: App, staff: User
) -> None:
    web.force_login(staff)
    _, challenge = pkce()
    before = _state()
    for uri in (
        "https://evil.example/callback",
        "http://127.0.0.1:18490/callback/../steal",
        # Loopback URIs match on any port (RFC 8252); the path still must match.
        "http://127.0.0.1:18490/other",
        "http://127.0.0.1:9999/other",
    ):
        response = web.get(authorize_url(app, challenge, redirect_uri=uri))
        assert response.status_code == 400, uri
        assert (
            b"invalid_request" in response.content or b"Mismatching" in response.content
        )
        assert b'id="continue"' not in response.content
    assert _state() == before


def test_loopback_redirect_matches_any_port_but_not_another_path(
    web: HttpClient, app: App, staff: User
) -> None:
    web.force_login(staff)
    _, challenge = pkce()
    url = authorize_url(app, challenge, redirect_uri="http://127.0.0.1:51234/callback")
    target = continue_target(consent(web, url))
    assert target.startswith("http://127.0.0.1:51234/callback?")
    assert "code" in query(target)


def test_wrong_redirect_uri_at_the_token_endpoint(
    web: HttpClient, app: App, staff: User
) -> None:
    code, verifier = get_code(web, app, staff)
    before = _state()
    response = exchange(
        app, code, verifier, redirect_uri="http://127.0.0.1:18490/other"
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] in {
        "invalid_request",
        "invalid_grant",
        "access_denied",
    }
    assert _state() == before


def test_pkce_is_required_and_only_s256(web: HttpClient, app: App, staff: User) -> None:
    web.force_login(staff)
    before = _state()
    missing = query(continue_target(web.get(authorize_url(app, None))))
    assert missing["error"] == "invalid_request"
    assert "challenge" in missing["error_description"].lower()
    plain = query(
        continue_target(
            web.get(authorize_url(app, "x" * 43, code_challenge_method="plain"))
        )
    )
    assert plain["error"] == "invalid_request"
    assert "code" not in missing and "code" not in plain
    assert _state() == before


def test_wrong_pkce_verifier(web: HttpClient, app: App, staff: User) -> None:
    code, verifier = get_code(web, app, staff)
    before = _state()
    response = exchange(app, code, "W" * 50)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert _state() == before
    # The right verifier still works: the wrong one changed nothing.
    assert exchange(app, code, verifier).status_code == 200


def test_reused_code_revokes_the_tokens_issued_from_it(
    web: HttpClient, app: App, staff: User, tenant: Tenant
) -> None:
    code, verifier = get_code(web, app, staff)
    tokens = exchange(app, code, verifier).json()
    # The app refreshed once: the new pair is in the same family.
    renewed = refresh(app, tokens["refresh_token"]).json()
    assert userinfo(renewed["access_token"]).status_code == 200

    replay = exchange(app, code, verifier)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert userinfo(renewed["access_token"]).status_code == 401
    assert refresh(app, renewed["refresh_token"]).json()["error"] == "invalid_grant"
    with tenant_scope(tenant):
        assert AuditEvent.objects.filter(action="sso.code_replay").count() == 1


def test_unknown_code_changes_nothing(app: App, staff: User) -> None:
    before = _state()
    response = exchange(app, "never-issued", "v" * 50)
    assert response.json()["error"] == "invalid_grant"
    assert _state() == before


def test_expired_and_revoked_tokens_are_refused(
    web: HttpClient, app: App, staff: User
) -> None:
    tokens = _tokens(app, web, staff)
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    before = _state()
    response = userinfo(tokens["access_token"])
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert _state() == before

    tokens = _tokens(app, web, staff)
    revoked = HttpClient().post(
        "/sso/revoke_token/",
        {
            "token": tokens["access_token"],
            "client_id": app.client.client_id,
            "client_secret": app.secret,
        },
    )
    assert revoked.status_code == 200
    response = userinfo(tokens["access_token"])
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert userinfo("garbage").status_code == 401


def test_wrong_client_secret(web: HttpClient, app: App, staff: User) -> None:
    code, verifier = get_code(web, app, staff)
    before = _state()
    response = exchange(app, code, verifier, client_secret="wrong")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert _state() == before


def test_disabled_client_stops_at_once(
    web: HttpClient, app: App, staff: User, admin: User, tenant: Tenant
) -> None:
    tokens = _tokens(app, web, staff)
    code, verifier = get_code(web, app, staff)
    with tenant_scope(tenant):
        services.client_set_active(actor=admin, client=app.client, active=False)
    before = _state()
    assert userinfo(tokens["access_token"]).status_code == 401
    assert refresh(app, tokens["refresh_token"]).json()["error"] in {
        "invalid_client",
        "invalid_grant",
    }
    assert exchange(app, code, verifier).json()["error"] == "invalid_client"
    _, challenge = pkce()
    page = web.get(authorize_url(app, challenge))
    assert page.status_code in (400, 401)
    assert b'id="continue"' not in page.content
    assert _state() == before


def test_user_of_another_tenant_cannot_sign_in(
    web: HttpClient, app: App, other_user: User
) -> None:
    web.force_login(other_user)
    _, challenge = pkce()
    before = _state()
    response = web.get(authorize_url(app, challenge))
    # The client is unknown in Gorontalo's scope: an error page, no redirect.
    assert response.status_code in (400, 401)
    assert b'id="continue"' not in response.content
    assert _state() == before


def test_client_of_another_tenant_cannot_use_a_keerom_code(
    web: HttpClient, app: App, staff: User, other_tenant: Tenant
) -> None:
    from warkat.accounts.tests.conftest import make_user

    other_admin = make_user(other_tenant, "admin.gorontalo", "tenant_admin")
    foreign = register(other_tenant, other_admin, name="Aplikasi Gorontalo")
    code, verifier = get_code(web, app, staff)
    before = _state()
    data = {"client_id": foreign.client.client_id, "client_secret": foreign.secret}
    response = exchange(app, code, verifier, **data)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert _state() == before


def test_people_outside_the_units_are_denied(
    web: HttpClient, app: App, outsider: User
) -> None:
    web.force_login(outsider)
    _, challenge = pkce()
    before = _state()
    params = query(continue_target(web.get(authorize_url(app, challenge))))
    assert params["error"] == "access_denied"
    assert params["state"] == "st4te"
    assert "code" not in params
    assert _state() == before


def test_refresh_refused_once_the_person_left_the_units(
    web: HttpClient, app: App, staff: User, tenant: Tenant
) -> None:
    tokens = _tokens(app, web, staff)
    from warkat.org.models import Assignment

    with tenant_scope(tenant):
        Assignment.objects.filter(person=staff.person).update(
            end_date=dt.date(2024, 12, 31)
        )
    assert refresh(app, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_scope_not_allowed_for_the_client(
    web: HttpClient, tenant: Tenant, admin: User, staff: User
) -> None:
    narrow = register(tenant, admin, allowed_scopes=["openid", "profile"])
    web.force_login(staff)
    _, challenge = pkce()
    before = _state()
    params = query(
        continue_target(web.get(authorize_url(narrow, challenge, scope="openid nip")))
    )
    assert params["error"] == "invalid_scope"
    assert _state() == before
    assert REDIRECT
