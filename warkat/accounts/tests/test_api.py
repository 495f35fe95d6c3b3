"""The accounts API: tokens (issue, use, expiry, revoke, lockout, TOTP), the current
user, CSRF for sessions, user administration with role checks and tenant isolation."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client, override_settings
from django.utils import timezone

from warkat.accounts.models import User
from warkat.accounts.tests.conftest import PASSWORD
from warkat.demo.accounts import DEMO_TOTP_SECRET, demo_totp_code
from warkat.org.tests import factories as f
from warkat.tenancy.scope import tenant_scope

TOKEN = "/api/v1/auth/token"
ME = "/api/v1/auth/me"
USERS = "/api/v1/users"


def issue(client: Client, login: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(
        TOKEN,
        json.dumps({"login": login, "password": password, **extra}),
        content_type="application/json",
    )


def bearer(token: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def token_for(client: Client, login: str) -> str:
    response = issue(client, login)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_issue_and_use_a_token(client: Client, staff: User) -> None:
    token = token_for(client, "staf.keerom")
    me = client.get(ME, **bearer(token)).json()
    assert me["username"] == "staf.keerom"
    assert me["tenant"]["slug"] == "keerom"
    assert me["roles"] == [{"role": "staf", "unit_id": None, "unit_code": None}]


def test_a_token_asks_for_some_scopes_only(client: Client, staff: User) -> None:
    response = issue(client, "staf.keerom", scopes=["profile:read", "letters:read"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scopes"] == ["letters:read", "profile:read"]
    assert client.get(ME, **bearer(body["token"])).status_code == 200
    refused = client.get("/api/v1/units", **bearer(body["token"]))
    assert refused.status_code == 403
    assert refused.json()["code"] == "auth.scope_missing"
    # Without scopes: every scope, as before.
    assert issue(client, "staf.keerom").json()["scopes"] is None


def test_unknown_or_no_scopes_are_refused(client: Client, staff: User) -> None:
    from warkat.accounts.models import ApiToken

    for scopes, code in (
        (["letters:read", "letters:delete"], "token.scope_unknown"),
        ([], "token.scopes_empty"),
    ):
        response = issue(client, "staf.keerom", scopes=scopes)
        assert response.status_code in (400, 422), response.content
        body = response.json()
        assert body["code"] == code
        assert body["message"] and body["message_en"]
    assert not ApiToken.objects.with_scopes_disabled().exists()


def test_token_by_nip(client: Client, staff: User) -> None:
    assert staff.person is not None
    assert issue(client, staff.person.nip or "").status_code == 200


def test_wrong_password_and_unknown_user(client: Client, staff: User) -> None:
    response = issue(client, "staf.keerom", "not-the-password")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "auth.invalid_credentials"
    assert body["message"] and body["message_en"]
    assert issue(client, "ghost.user").status_code == 401


@override_settings(WARKAT_LOCKOUT_FAILURES=2)
def test_lockout_applies_to_the_api(client: Client, staff: User) -> None:
    issue(client, "staf.keerom", "not-the-password")
    response = issue(client, "staf.keerom", "not-the-password")
    assert response.status_code == 403
    assert response.json()["code"] == "auth.locked"
    assert issue(client, "staf.keerom").status_code == 403


def test_token_expiry(client: Client, staff: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = issue(client, "staf.keerom", ttl_days=1)
        token = response.json()["token"]
        assert client.get(ME, **bearer(token)).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=1, seconds=1), tick=False):
        assert client.get(ME, **bearer(token)).status_code == 401


def test_revoke_the_current_token(client: Client, staff: User) -> None:
    token = token_for(client, "staf.keerom")
    assert client.delete(TOKEN, **bearer(token)).status_code == 204
    assert client.get(ME, **bearer(token)).status_code == 401


def test_bad_bearer_never_falls_back_to_the_session(
    client: Client, staff: User
) -> None:
    client.force_login(staff)
    assert client.get(ME).status_code == 200
    assert client.get(ME, **bearer("wkt_forged")).status_code == 401


def test_deactivated_user_token_stops_working(
    client: Client, staff: User, admin: User, tenant: Any
) -> None:
    token = token_for(client, "staf.keerom")
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert client.get(ME, **bearer(token)).status_code == 401


def test_totp_user_needs_the_code(client: Client, staff: User) -> None:
    TOTP.activate(staff, DEMO_TOTP_SECRET)
    response = issue(client, "staf.keerom")
    assert response.status_code == 401
    assert response.json()["code"] == "auth.otp_required"
    assert (
        issue(client, "staf.keerom", otp="000000").json()["code"] == "auth.otp_invalid"
    )
    assert issue(client, "staf.keerom", otp=demo_totp_code()).status_code == 200


def test_temporary_password_gets_no_token(
    client: Client, staff: User, admin: User, tenant: Any
) -> None:
    from warkat.accounts.services import user_reset_password

    with tenant_scope(tenant):
        temporary = user_reset_password(user=staff, actor=admin)
    response = issue(client, "staf.keerom", temporary)
    assert response.status_code == 403
    assert response.json()["code"] == "auth.password_change_required"


@override_settings(WARKAT_MFA_REQUIRED_FOR_SIGNERS=True)
def test_signer_without_totp_gets_no_token(client: Client, tenant: Any) -> None:
    from warkat.accounts.tests.conftest import make_user

    make_user(tenant, "camat.keerom", "pimpinan")
    response = issue(client, "camat.keerom")
    assert response.status_code == 403
    assert response.json()["code"] == "auth.mfa_setup_required"


def test_session_unsafe_calls_need_csrf(admin: User, staff: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    url = f"{USERS}/{staff.pk}/unlock"
    assert browser.post(url).status_code == 401
    browser.get("/akun/pengguna/")  # sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    assert browser.post(url, HTTP_X_CSRFTOKEN=csrf).status_code == 200
    # A bearer token needs no CSRF token.
    token = token_for(Client(), "admin.keerom")
    assert (
        Client(enforce_csrf_checks=True).post(url, **bearer(token)).status_code == 200
    )


# --- users ------------------------------------------------------------------------------


def test_users_need_an_admin(client: Client, staff: User, admin: User) -> None:
    token = token_for(client, "staf.keerom")
    for method, url in [
        ("get", USERS),
        ("get", f"{USERS}/{admin.pk}"),
        ("post", USERS),
        ("put", f"{USERS}/{admin.pk}/roles"),
        ("post", f"{USERS}/{admin.pk}/reset-password"),
        ("post", f"{USERS}/{admin.pk}/unlock"),
        ("post", f"{USERS}/{admin.pk}/deactivate"),
    ]:
        body = {"username": "x.y.z", "roles": []} if method in ("post", "put") else None
        response = getattr(client, method)(
            url,
            json.dumps(body) if body else None,
            content_type="application/json",
            **bearer(token),
        )
        assert response.status_code == 403, (method, url, response.content)
    assert client.get(USERS).status_code == 401


def test_user_admin_flow(client: Client, admin: User, tenant: Any) -> None:
    token = token_for(client, "admin.keerom")
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Maria Yikwa")
        unit = f.unit(tenant)
    response = client.post(
        USERS,
        json.dumps(
            {
                "username": "maria.yikwa",
                "person_id": person.pk,
                "roles": [{"role": "tu", "unit_id": unit.pk}],
            }
        ),
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 201, response.content
    created = response.json()
    user_id = created["user"]["id"]
    assert created["password"]
    assert created["user"]["roles"][0]["unit_code"] == unit.code
    assert created["user"]["must_change_password"]

    response = client.put(
        f"{USERS}/{user_id}/roles",
        json.dumps({"roles": [{"role": "staf"}]}),
        content_type="application/json",
        **bearer(token),
    )
    assert [r["role"] for r in response.json()["roles"]] == ["staf"]
    response = client.post(f"{USERS}/{user_id}/reset-password", **bearer(token))
    assert len(response.json()["password"]) == 14
    listed = client.get(f"{USERS}?q=yikwa", **bearer(token)).json()
    assert listed["count"] == 1 and listed["items"][0]["username"] == "maria.yikwa"

    # Duplicate → 409; invalid role → 422; missing unit → 422.
    response = client.post(
        USERS,
        json.dumps({"username": "maria.yikwa"}),
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 409
    response = client.post(
        USERS,
        json.dumps({"username": "new.person", "roles": [{"role": "tu"}]}),
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "user.role_needs_unit"


def test_users_list_query_count_is_constant(
    client: Client, admin: User, tenant: Any, django_assert_max_num_queries: Any
) -> None:
    from warkat.accounts.tests.conftest import make_user

    token = token_for(client, "admin.keerom")
    with tenant_scope(tenant):
        unit = f.unit(tenant)
    for i in range(3):
        make_user(tenant, f"user.a{i}", "staf", ("tu", unit))
    with django_assert_max_num_queries(12) as few:
        client.get(USERS, **bearer(token))
    for i in range(12):
        make_user(tenant, f"user.b{i}", "staf", ("tu", unit))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(USERS, **bearer(token))
    assert response.json()["count"] == 16


def test_tenant_isolation(
    client: Client, admin: User, other_admin: User, other_user: User
) -> None:
    token = token_for(client, "admin.keerom")
    listed = client.get(USERS, **bearer(token)).json()
    assert "staf.gorontalo" not in [u["username"] for u in listed["items"]]
    assert "admin.gorontalo" not in [u["username"] for u in listed["items"]]
    for method, url in [
        ("get", f"{USERS}/{other_user.pk}"),
        ("put", f"{USERS}/{other_user.pk}/roles"),
        ("post", f"{USERS}/{other_user.pk}/reset-password"),
        ("post", f"{USERS}/{other_user.pk}/unlock"),
        ("post", f"{USERS}/{other_user.pk}/deactivate"),
    ]:
        body = json.dumps({"roles": []}) if method == "put" else None
        response = getattr(client, method)(
            url, body, content_type="application/json", **bearer(token)
        )
        assert response.status_code == 404, (method, url)
    other_user.refresh_from_db()
    assert other_user.is_active and other_user.role_set() == {"staf"}


@pytest.mark.parametrize("path", ["/api/v1/openapi.json"])
def test_openapi_declares_errors(client: Client, path: str) -> None:
    spec = client.get(path).json()
    responses = spec["paths"][TOKEN]["post"]["responses"]
    assert {"401", "403", "422"} <= set(responses)
