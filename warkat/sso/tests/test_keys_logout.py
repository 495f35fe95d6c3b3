"""Signing keys (settings, rotation with the old key still published), RP-initiated
logout, and the demo's registered app."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.test import Client as HttpClient
from jwcrypto import jwk, jwt
from oauth2_provider.models import AccessToken

from warkat.accounts.models import User
from warkat.sso.keys import new_key_pem, signing_keys
from warkat.sso.tests.conftest import App, exchange, get_code, userinfo
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def _kid(pem: str) -> str:
    return str(jwk.JWK.from_pem(pem.encode()).thumbprint())


def test_keys_come_from_settings_files_and_development(tmp_path: Path) -> None:
    active, old = new_key_pem(), new_key_pem()
    (tmp_path / "active.pem").write_text(active)
    (tmp_path / "old.pem").write_text(old)
    assert signing_keys(pem=active, path="", old_paths=[], dev_path=None) == (
        active,
        [],
    )
    assert signing_keys(
        pem="", path=str(tmp_path / "active.pem"),
        old_paths=[str(tmp_path / "old.pem")], dev_path=None,
    ) == (active, [old])  # fmt: skip
    # Production without a key: none (the system check refuses to start).
    assert signing_keys(pem="", path="", old_paths=[], dev_path=None) == ("", [])
    dev = tmp_path / "var" / "dev.pem"
    made, _ = signing_keys(pem="", path="", old_paths=[], dev_path=dev)
    assert dev.stat().st_mode & 0o777 == 0o600
    assert signing_keys(pem="", path="", old_paths=[], dev_path=dev)[0] == made


def test_rotation_publishes_old_and_new_keys(
    web: HttpClient, app: App, staff: User, settings: Any
) -> None:
    old_pem = settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]
    code, verifier = get_code(web, app, staff)
    signed_before = exchange(app, code, verifier).json()["id_token"]

    new_pem = new_key_pem()
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": new_pem,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [old_pem],
    }
    keys = HttpClient().get("/sso/.well-known/jwks.json").json()["keys"]
    assert {k["kid"] for k in keys} == {_kid(new_pem), _kid(old_pem)}
    assert all("d" not in k for k in keys)  # public halves only

    code, verifier = get_code(web, app, staff)
    signed_after = exchange(app, code, verifier).json()["id_token"]
    keyset = jwk.JWKSet.from_json(json.dumps({"keys": keys}))
    for raw, pem in ((signed_before, old_pem), (signed_after, new_pem)):
        token = jwt.JWT(jwt=raw, key=keyset)
        assert json.loads(token.header)["kid"] == _kid(pem)


def test_production_without_a_key_fails_the_check(settings: Any) -> None:
    from warkat.sso.checks import oidc_key_configured

    settings.PRODUCTION = True
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": ""}
    assert [e.id for e in oidc_key_configured()] == ["warkat.E020"]


def _logout(
    web: HttpClient, app: App, staff: User, to: str
) -> tuple[Any, dict[str, Any]]:
    code, verifier = get_code(web, app, staff)
    tokens = exchange(app, code, verifier).json()
    params = {
        "id_token_hint": tokens["id_token"],
        "client_id": app.client.client_id,
        "post_logout_redirect_uri": to,
        "state": "s1",
    }
    return web.get("/sso/logout/", params), tokens


def test_rp_initiated_logout_ends_the_session_and_the_tokens(
    web: HttpClient, app: App, staff: User
) -> None:
    response, tokens = _logout(web, app, staff, "http://127.0.0.1:18490/bye")
    assert response.status_code == 302
    assert response["Location"] == "http://127.0.0.1:18490/bye?state=s1"
    assert userinfo(tokens["access_token"]).status_code == 401
    assert not AccessToken.objects.filter(user=staff).exists()
    assert web.get("/")["Location"].startswith("/akun/login/")


def test_logout_to_an_unregistered_address_is_refused(
    web: HttpClient, app: App, staff: User
) -> None:
    response, tokens = _logout(web, app, staff, "https://evil.example/bye")
    assert response.status_code == 400
    assert userinfo(tokens["access_token"]).status_code == 200


def test_the_demo_registers_its_skpd_app(tenant: Tenant, admin: User) -> None:
    from warkat.demo.sso import DEMO_CLIENT_SECRET, demo_client_id, demo_sso_load

    with tenant_scope(tenant):
        client = demo_sso_load(tenant=tenant)
    assert client.client_id == demo_client_id(tenant) == "keerom-skpd-demo"
    assert check_password(DEMO_CLIENT_SECRET, client.client_secret)
    assert client.redirect_uri_allowed("http://127.0.0.1:8001/callback")
    assert settings.OAUTH2_PROVIDER["PKCE_REQUIRED"] is True


def test_cleanup_removes_expired_tokens_and_old_code_records(
    web: HttpClient, app: App, staff: User, tenant: Tenant
) -> None:
    import datetime as dt

    from django.utils import timezone

    from warkat.sso.models import CodeUse
    from warkat.sso.tasks import sso_cleanup_run

    code, verifier = get_code(web, app, staff)
    fresh = exchange(app, code, verifier).json()
    code, verifier = get_code(web, app, staff)
    exchange(app, code, verifier)
    with tenant_scope(tenant):
        old = CodeUse.objects.order_by("pk").last()
        CodeUse.objects.filter(pk=old.pk).update(
            used_at=timezone.now() - dt.timedelta(days=31)
        )
    checksum = hashlib.sha256(fresh["access_token"].encode()).hexdigest()
    AccessToken.objects.exclude(token_checksum=checksum).update(
        expires=timezone.now() - dt.timedelta(days=1)
    )
    assert sso_cleanup_run.call() == 1
    with tenant_scope(tenant):
        assert CodeUse.objects.count() == 1
    assert userinfo(fresh["access_token"]).status_code == 200
