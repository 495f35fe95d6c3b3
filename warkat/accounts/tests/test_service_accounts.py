"""Service accounts: a machine identity with scoped tokens, refused at the door when
its token is expired, revoked, rotated out, of another tenant, used from outside its
address list or over its rate — each with its JSON error, and nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from warkat.accounts.models import ApiRateWindow, ApiToken, User
from warkat.accounts.selectors import users_visible
from warkat.accounts.services import service_accounts as sa
from warkat.accounts.tests.conftest import make_user
from warkat.audit.models import AuditEvent
from warkat.core.errors import PermissionDenied
from warkat.org.models import Unit
from warkat.org.services.units import unit_root
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def make_account(tenant: Tenant, admin: Any, **kw: Any) -> Any:
    kw.setdefault("name", "SIMPEG Keerom")
    kw.setdefault("scopes", ["org:read"])
    with tenant_scope(tenant):
        return sa.service_account_create(tenant=tenant, actor=admin, **kw)


def token_for(account: Any, admin: Any, **kw: Any) -> str:
    with tenant_scope(account.tenant):
        _token, raw = sa.service_account_token_create(
            account=account, actor=admin, **kw
        )
    return raw


def call(raw: str, path: str = "/api/v1/units", method: str = "get", **kw: Any) -> Any:
    client = Client()
    return getattr(client, method)(
        path, HTTP_AUTHORIZATION=f"Bearer {raw}", content_type="application/json", **kw
    )


def unit_count(tenant: Tenant) -> int:
    with tenant_scope(tenant):
        return Unit.objects.count()


def assert_refused(
    raw: str, tenant: Tenant, status: int, code: str, **kw: Any
) -> dict[str, Any]:
    """The refusal for a read, and for a write nothing is written."""
    before = unit_count(tenant)
    response = call(raw, **kw)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"] and body["message_en"]
    write = call(raw, "/api/v1/units", "post", data={"name": "X", "kind": "dinas"})
    assert write.status_code == status
    assert unit_count(tenant) == before
    return body


def test_a_service_account_is_no_person(tenant: Tenant, admin: User) -> None:
    account = make_account(tenant, admin)
    user = account.user
    assert user.person_id is None and not user.has_usable_password()
    with tenant_scope(tenant):
        assert user not in users_visible(actor=admin)
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": ""},
        content_type="application/json",
    )
    assert response.status_code in (401, 422)
    with tenant_scope(tenant):
        assert AuditEvent.objects.filter(action="service_account.create").exists()


def test_only_a_tenant_admin_creates_one(tenant: Tenant, staff: User) -> None:
    with tenant_scope(tenant), pytest.raises(PermissionDenied):
        sa.service_account_create(tenant=tenant, actor=staff, name="X", scopes=[])


def test_bad_settings_are_refused(tenant: Tenant, admin: User) -> None:
    from warkat.core.errors import ValidationError

    for bad in (
        {"scopes": ["letters:delete"]},
        {"ip_allowlist": ["10.0.0.0/33"]},
        {"rate_limit_per_minute": 0},
        {"roles": [("tenant_admin", None)]},
    ):
        with tenant_scope(tenant), pytest.raises(ValidationError):
            sa.service_account_create(tenant=tenant, actor=admin, name="X", **bad)
    assert not User.objects.filter(username__startswith="svc-").exists()


def test_token_with_its_scope_works_and_records_last_use(
    tenant: Tenant, admin: User
) -> None:
    account = make_account(tenant, admin)
    raw = token_for(account, admin)
    token = ApiToken.objects.with_scopes_disabled().get(user=account.user)
    assert raw not in (token.key_hash, token.prefix)  # stored hashed only
    assert call(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_without_the_scope_gets_403(tenant: Tenant, admin: User) -> None:
    raw = token_for(make_account(tenant, admin, scopes=["letters:read"]), admin)
    body = assert_refused(raw, tenant, 403, "auth.scope_missing")
    assert "org:read" in body["message_en"] and "org:read" in body["message"]


def test_expired_token(tenant: Tenant, admin: User) -> None:
    account = make_account(tenant, admin)
    raw = token_for(account, admin)
    ApiToken.objects.with_scopes_disabled().filter(user=account.user).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert_refused(raw, tenant, 401, "auth.token_expired")


def test_revoked_token(tenant: Tenant, admin: User) -> None:
    account = make_account(tenant, admin)
    raw = token_for(account, admin)
    token = ApiToken.objects.with_scopes_disabled().get(user=account.user)
    with tenant_scope(tenant):
        sa.service_account_token_revoke(account=account, token=token, actor=admin)
    assert_refused(raw, tenant, 401, "auth.token_revoked")


def test_disabled_account(tenant: Tenant, admin: User) -> None:
    account = make_account(tenant, admin)
    raw = token_for(account, admin)
    with tenant_scope(tenant):
        sa.service_account_disable(account=account, actor=admin)
    assert_refused(raw, tenant, 401, "auth.token_revoked")


def test_rotation_keeps_the_old_token_for_the_grace_period(
    tenant: Tenant, admin: User
) -> None:
    account = make_account(tenant, admin)
    old = token_for(account, admin)
    with tenant_scope(tenant):
        _new_token, new = sa.service_account_token_rotate(
            account=account, actor=admin, grace_hours=1
        )
    assert call(old).status_code == 200
    assert call(new).status_code == 200
    # The grace period ends: the old token is refused, the new one works on.
    ApiToken.objects.with_scopes_disabled().filter(rotated_at__isnull=False).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert_refused(old, tenant, 401, "auth.token_rotated_out")
    assert call(new).status_code == 200
    with tenant_scope(tenant):
        assert AuditEvent.objects.filter(action="service_account.token_rotate").exists()


def test_token_of_another_tenant_reaches_nothing_there(
    tenant: Tenant, other_tenant: Tenant, admin: User, other_admin: User
) -> None:
    raw = token_for(
        make_account(tenant, admin, scopes=["org:read", "org:write"]), admin
    )
    with tenant_scope(other_tenant):
        root = unit_root(tenant=other_tenant)
    before = unit_count(other_tenant)
    response = call(raw, f"/api/v1/units/{root.pk}")
    assert response.status_code == 404
    assert response.json()["code"].endswith("not_found")
    response = call(
        raw,
        "/api/v1/units",
        "post",
        data={"name": "Dinas Siluman", "kind": "dinas", "parent_id": root.pk},
    )
    assert response.status_code in (403, 422)
    assert unit_count(other_tenant) == before
    # Its tokens cannot be managed from the other tenant either.
    account = make_account(tenant, admin, name="Lain")
    with tenant_scope(other_tenant), pytest.raises(Exception):  # noqa: B017
        sa.service_account_token_create(account=account, actor=other_admin)


def test_address_outside_the_allow_list(tenant: Tenant, admin: User) -> None:
    account = make_account(tenant, admin, ip_allowlist=["10.20.0.0/16"])
    raw = token_for(account, admin)
    body = assert_refused(raw, tenant, 403, "auth.ip_not_allowed")
    assert "127.0.0.1" in body["message_en"]
    assert call(raw, REMOTE_ADDR="10.20.3.4").status_code == 200


def test_over_the_rate_limit(tenant: Tenant, admin: User) -> None:
    account = make_account(tenant, admin, rate_limit_per_minute=2)
    raw = token_for(account, admin)
    assert call(raw).status_code == 200
    assert call(raw).status_code == 200
    response = call(raw)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "auth.rate_limited"
    before = unit_count(tenant)
    assert call(raw, "/api/v1/units", "post", data={"name": "X"}).status_code == 429
    assert unit_count(tenant) == before


def test_the_rate_window_is_shared_and_resets(tenant: Tenant, admin: User) -> None:
    account = make_account(tenant, admin, rate_limit_per_minute=1)
    start = 1_800_000_000.0
    assert sa.service_account_rate_take(account=account, now=start) is None
    assert sa.service_account_rate_take(account=account, now=start + 10) == 50
    assert sa.service_account_rate_take(account=account, now=start + 60) is None
    assert ApiRateWindow.objects.get(account=account).count == 1


def test_personal_tokens_keep_every_scope_unless_narrowed(
    tenant: Tenant, admin: User
) -> None:
    from warkat.accounts.services import api_token_create

    with tenant_scope(tenant):
        token, raw = api_token_create(user=admin)
    assert call(raw).status_code == 200
    token.scopes = ["letters:read"]
    token.save(update_fields=["scopes"])
    assert call(raw).json()["code"] == "auth.scope_missing"


def test_a_service_account_token_narrowed_further_keeps_only_the_common_scopes(
    tenant: Tenant, admin: User
) -> None:
    account = make_account(tenant, admin, scopes=["org:read", "letters:read"])
    raw = token_for(account, admin)
    assert call(raw).status_code == 200
    ApiToken.objects.with_scopes_disabled().filter(user=account.user).update(
        scopes=["letters:read", "org:write"]
    )
    # org:read is the account's but not the token's; org:write the token's only.
    assert call(raw).json()["code"] == "auth.scope_missing"
    write = call(raw, "/api/v1/units", "post", data={"name": "X", "kind": "dinas"})
    assert write.json()["code"] == "auth.scope_missing"


def test_secret_letters_show_a_service_account_only_their_agenda_line(
    tenant: Tenant,
) -> None:
    from warkat.letters.tests.factories import build_org, register

    with tenant_scope(tenant):
        o = build_org(tenant)
        secret = register(o, subject="Hasil audit RAHASIA", security="rahasia")
        plain = register(o, subject="Undangan rapat biasa")
    clerk = make_account(
        tenant,
        o.users.admin,
        name="Arsip TU",
        scopes=["letters:read"],
        roles=[("tu", o.dinas)],
    )
    outsider = make_account(
        tenant, o.users.admin, name="Tanpa peran", scopes=["letters:read"]
    )
    raw = token_for(clerk, o.users.admin)
    full = call(raw, f"/api/v1/letters/{plain.pk}").json()
    assert full["letter"]["subject"] == "Undangan rapat biasa"
    response = call(raw, f"/api/v1/letters/{secret.pk}")
    assert response.status_code == 200
    assert "RAHASIA" not in response.content.decode()
    assert response.json()["letter"]["restricted"] is True
    assert response.json()["files"] == []
    inbox = call(raw, "/api/v1/inbox").content.decode()
    assert "RAHASIA" not in inbox
    with tenant_scope(tenant):
        secret_file = secret.files.get()
        plain_file = plain.files.get()
    download = f"/api/v1/letters/{secret.pk}/files/{secret_file.pk}"
    assert call(raw, download).status_code in (403, 404)
    download = f"/api/v1/letters/{plain.pk}/files/{plain_file.pk}"
    assert call(raw, download).status_code == 200
    # Without a role it sees neither.
    raw = token_for(outsider, o.users.admin)
    assert call(raw, f"/api/v1/letters/{secret.pk}").status_code in (403, 404)
    assert call(raw, f"/api/v1/letters/{plain.pk}").status_code in (403, 404)


def test_a_session_user_is_not_limited_by_scopes(tenant: Tenant) -> None:
    user = make_user(tenant, "admin.dua", "tenant_admin")
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/units").status_code == 200
