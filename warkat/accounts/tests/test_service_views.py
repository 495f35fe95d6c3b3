"""The tenant admin pages of service accounts: create, edit, token, rotate, revoke,
disable — tenant admins only, of their own tenant."""

from __future__ import annotations

import pytest
from django.test import Client

from warkat.accounts.models import ApiToken, ServiceAccount, User
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_creates_edits_rotates_revokes_and_disables(
    tenant: Tenant, admin: User
) -> None:
    client = signed_in(admin)
    assert client.get("/akun/layanan/").status_code == 200
    response = client.post(
        "/akun/layanan/baru/",
        {
            "name": "SIMPEG",
            "scopes": ["org:read"],
            "ip_allowlist": "10.0.0.0/8",
            "rate_limit_per_minute": "60",
        },
    )
    assert response.status_code == 302, response.content
    with tenant_scope(tenant):
        account = ServiceAccount.objects.get(name="SIMPEG")
    assert account.ip_allowlist == ["10.0.0.0/8"]
    page = f"/akun/layanan/{account.pk}/"
    response = client.post(
        page,
        {
            "name": "SIMPEG",
            "scopes": ["org:read", "attendance:read"],
            "ip_allowlist": "",
            "rate_limit_per_minute": "30",
            "kepegawaian": "on",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.scopes == ["attendance:read", "org:read"]
    assert account.user.has_role("kepegawaian")
    response = client.post(page + "token/", {"ttl_days": "30"})
    assert b"wkt_" in response.content
    response = client.post(page + "rotasi/", {"grace_hours": "2"})
    assert b"wkt_" in response.content
    tokens = ApiToken.objects.with_scopes_disabled().filter(user=account.user)
    assert tokens.count() == 2
    assert tokens.filter(rotated_at__isnull=False).count() == 1
    detail = client.get(page).content.decode()
    assert "Rotated" in detail or "Dirotasi" in detail or "rotasi" in detail.lower()
    first = tokens.order_by("pk").first()
    assert first is not None
    client.post(f"{page}token/{first.pk}/cabut/")
    first.refresh_from_db()
    assert first.revoked_at is not None
    client.post(page + "nonaktif/")
    account.refresh_from_db()
    assert account.disabled_at is not None
    assert not tokens.filter(revoked_at__isnull=True).exists()


def test_bad_settings_show_the_form_again(tenant: Tenant, admin: User) -> None:
    response = signed_in(admin).post(
        "/akun/layanan/baru/",
        {"name": "X", "ip_allowlist": "bukan-alamat", "rate_limit_per_minute": "5"},
    )
    assert response.status_code == 200
    with tenant_scope(tenant):
        assert not ServiceAccount.objects.exists()


def test_only_tenant_admins_of_the_tenant(
    tenant: Tenant, admin: User, staff: User, other_admin: User
) -> None:
    signed_in(admin).post(
        "/akun/layanan/baru/", {"name": "SIMPEG", "rate_limit_per_minute": "5"}
    )
    with tenant_scope(tenant):
        account = ServiceAccount.objects.get()
    assert signed_in(staff).get("/akun/layanan/").status_code == 403
    assert signed_in(other_admin).get(f"/akun/layanan/{account.pk}/").status_code == 404
    response = signed_in(other_admin).post(f"/akun/layanan/{account.pk}/token/")
    assert response.status_code == 404
    assert (
        not ApiToken.objects.with_scopes_disabled().filter(user=account.user).exists()
    )
