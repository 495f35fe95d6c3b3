"""The tenant administrator's pages for client apps: roles, tenant isolation, the
secret shown once and stored hashed, validation, disabling and a new secret."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient

from warkat.accounts.models import User
from warkat.audit.models import AuditEvent
from warkat.sso.models import Client, ClientUnit
from warkat.sso.tests.conftest import App, register
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def _post_form(web: HttpClient, url: str, **data: Any) -> Any:
    body = {
        "name": "E-Kinerja Keerom",
        "description": "",
        "redirect_uris": "https://ekinerja.keerom.go.id/oidc/callback",
        "post_logout_redirect_uris": "",
        "allowed_scopes": ["openid", "profile", "nip"],
    } | data
    return web.post(url, body)


def test_admin_registers_an_app_and_sees_the_secret_once(
    web: HttpClient, admin: User, tenant: Tenant, units: dict[str, Any]
) -> None:
    web.force_login(admin)
    assert web.get("/aplikasi-sso/").status_code == 200
    assert web.get("/aplikasi-sso/baru/").status_code == 200
    response = _post_form(web, "/aplikasi-sso/baru/", units=[units["dinkes"].pk])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    with tenant_scope(tenant):
        client = Client.objects.get(name="E-Kinerja Keerom")
        assert client.client_secret.startswith("warkat_client_secret$")
        assert secret not in client.client_secret
        assert client.allowed_scopes == "openid profile nip"
        assert list(
            ClientUnit.objects.filter(client=client).values_list("unit_id", flat=True)
        ) == [units["dinkes"].pk]
        assert AuditEvent.objects.filter(action="sso.client_create").count() == 1
    listing = web.get("/aplikasi-sso/")
    assert b"E-Kinerja Keerom" in listing.content
    assert secret.encode() not in listing.content
    assert secret.encode() not in web.get(f"/aplikasi-sso/{client.pk}/").content


def test_bad_input_is_refused_and_nothing_is_written(
    web: HttpClient, admin: User, tenant: Tenant
) -> None:
    web.force_login(admin)
    for data in (
        {"redirect_uris": "ftp://files.example/cb"},
        {"redirect_uris": "https://app.example/cb#frag"},
        {"allowed_scopes": ["profile"]},
        {"units": ["999999"]},
    ):
        response = _post_form(web, "/aplikasi-sso/baru/", **data)
        assert response.status_code == 200
        assert "secret" not in response.context
    with tenant_scope(tenant):
        assert not Client.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="sso.").exists()


def test_edit_disable_enable_and_rotate(
    web: HttpClient, admin: User, tenant: Tenant, app: App
) -> None:
    web.force_login(admin)
    url = f"/aplikasi-sso/{app.client.pk}/"
    assert web.get(url).status_code == 200
    response = _post_form(web, url, name="SIMPEG (baru)")
    assert response.status_code == 302
    assert web.post(url + "status/", {"active": "0"}).status_code == 302
    with tenant_scope(tenant):
        client = Client.objects.get(pk=app.client.pk)
        assert client.name == "SIMPEG (baru)" and not client.is_active
        assert client.disabled_at is not None
    assert web.post(url + "status/", {"active": "1"}).status_code == 302
    old_hash = client.client_secret
    rotated = web.post(url + "rahasia-baru/")
    assert rotated.status_code == 200
    with tenant_scope(tenant):
        client.refresh_from_db()
        assert client.is_active and client.client_secret != old_hash
        actions = set(
            AuditEvent.objects.filter(action__startswith="sso.client").values_list(
                "action", flat=True
            )
        )
    assert actions == {
        "sso.client_create",
        "sso.client_update",
        "sso.client_disable",
        "sso.client_enable",
        "sso.client_secret_rotate",
    }


def test_staff_may_not_manage_apps(web: HttpClient, staff: User, app: App) -> None:
    web.force_login(staff)
    assert web.get("/aplikasi-sso/").status_code == 403
    assert web.get("/aplikasi-sso/baru/").status_code == 403
    assert web.get(f"/aplikasi-sso/{app.client.pk}/").status_code == 403
    assert (
        web.post(f"/aplikasi-sso/{app.client.pk}/status/", {"active": "0"}).status_code
        == 403
    )
    assert web.post(f"/aplikasi-sso/{app.client.pk}/rahasia-baru/").status_code == 403


def test_another_tenants_admin_sees_nothing_of_keerom(
    web: HttpClient, app: App, other_tenant: Tenant, tenant: Tenant
) -> None:
    from warkat.accounts.tests.conftest import make_user

    other_admin = make_user(other_tenant, "admin.gorontalo", "tenant_admin")
    web.force_login(other_admin)
    assert app.client.name.encode() not in web.get("/aplikasi-sso/").content
    pk = app.client.pk
    assert web.get(f"/aplikasi-sso/{pk}/").status_code == 404
    assert web.post(f"/aplikasi-sso/{pk}/status/", {"active": "0"}).status_code == 404
    assert web.post(f"/aplikasi-sso/{pk}/rahasia-baru/").status_code == 404
    with tenant_scope(tenant):
        client = Client.objects.get(pk=pk)
    assert client.is_active and client.client_secret == app.client.client_secret


def test_list_query_count_does_not_grow(
    web: HttpClient,
    admin: User,
    tenant: Tenant,
    units: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(5):
        register(tenant, admin, name=f"App {n}", unit_ids=[units["dinkes"].pk])
    web.force_login(admin)
    web.get("/aplikasi-sso/")
    with django_assert_max_num_queries(14):
        assert web.get("/aplikasi-sso/").status_code == 200
