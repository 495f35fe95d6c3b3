"""The OpenID Connect flow end to end through Django: discovery, keys, the code with
PKCE, tokens, claims by scope, refresh, consent remembered, audit of each sign-in."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from jwcrypto import jwk, jwt

from warkat.accounts.models import User
from warkat.audit.models import AuditEvent
from warkat.sso.models import Consent
from warkat.sso.tests.conftest import (
    App,
    authorize_url,
    continue_target,
    exchange,
    get_code,
    pkce,
    query,
    refresh,
    userinfo,
)
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def _id_token_claims(raw: str) -> dict[str, Any]:
    keys = jwk.JWKSet.from_json(HttpClient().get("/sso/.well-known/jwks.json").content)
    return json.loads(jwt.JWT(jwt=raw, key=keys).claims)


def test_discovery_names_the_endpoints_and_only_s256() -> None:
    doc = HttpClient().get("/sso/.well-known/openid-configuration").json()
    assert doc["issuer"] == "http://testserver/sso"
    assert doc["authorization_endpoint"] == "http://testserver/sso/authorize/"
    assert doc["token_endpoint"] == "http://testserver/sso/token/"
    assert doc["userinfo_endpoint"] == "http://testserver/sso/userinfo/"
    assert doc["jwks_uri"] == "http://testserver/sso/.well-known/jwks.json"
    assert doc["end_session_endpoint"] == "http://testserver/sso/logout/"
    assert doc["revocation_endpoint"] == "http://testserver/sso/revoke_token/"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["response_types_supported"] == ["code"]
    assert {"openid", "profile", "nip", "positions"} <= set(doc["scopes_supported"])
    assert {"nip", "positions", "tenant", "email", "name"} <= set(
        doc["claims_supported"]
    )
    assert "RS256" in doc["id_token_signing_alg_values_supported"]


def test_sign_in_read_claims_refresh(
    web: HttpClient, app: App, staff: User, tenant: Tenant
) -> None:
    code, verifier = get_code(web, app, staff)
    response = exchange(app, code, verifier)
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert {"access_token", "refresh_token", "id_token"} <= set(tokens)

    id_claims = _id_token_claims(tokens["id_token"])
    assert id_claims["iss"] == "http://testserver/sso"
    assert id_claims["aud"] == app.client.client_id
    assert id_claims["nonce"] == "n0nce"
    assert id_claims["sub"] == str(staff.pk)

    info = userinfo(tokens["access_token"]).json()
    assert info["name"] == "Maria Yikwa"
    assert staff.person is not None and info["nip"] == staff.person.nip
    assert info["tenant"] == {"id": "91.11", "name": tenant.name, "slug": tenant.slug}
    # No "email" scope requested: the address comes with "profile".
    assert info["email"] == "maria@keerom.go.id"
    held = {(p["capacity"], p["unit_code"]) for p in info["positions"]}
    assert held == {("definitif", "DINKES.P2P"), ("plt", "DINKES")}

    renewed = refresh(app, tokens["refresh_token"])
    assert renewed.status_code == 200, renewed.content
    new = renewed.json()
    assert new["access_token"] != tokens["access_token"]
    assert userinfo(new["access_token"]).status_code == 200
    assert userinfo(tokens["access_token"]).status_code == 401
    # The old refresh token was rotated away.
    assert refresh(app, tokens["refresh_token"]).json()["error"] == "invalid_grant"

    with tenant_scope(tenant):
        actions = list(
            AuditEvent.objects.filter(actor=staff).values_list("action", flat=True)
        )
    assert actions.count("sso.sign_in") == 1
    assert actions.count("sso.consent") == 1


def test_claims_follow_the_scopes(web: HttpClient, app: App, staff: User) -> None:
    code, verifier = get_code(web, app, staff, scope="openid nip")
    tokens = exchange(app, code, verifier).json()
    info = userinfo(tokens["access_token"]).json()
    assert set(info) == {"sub", "tenant", "nip"}
    id_claims = _id_token_claims(tokens["id_token"])
    assert "positions" not in id_claims and "name" not in id_claims


def test_consent_is_remembered_per_client(
    web: HttpClient, tenant: Tenant, admin: User, app: App, staff: User
) -> None:
    get_code(web, app, staff)
    _, challenge = pkce()
    # Second sign-in: straight back to the app, no consent page.
    response = web.get(authorize_url(app, challenge))
    assert b"authorizationForm" not in response.content
    assert "code" in query(continue_target(response))
    # A scope not granted before asks again.
    again = web.get(authorize_url(app, challenge, scope="openid email"))
    assert b"authorizationForm" in again.content
    # Another client asks on its own.
    from warkat.sso.tests.conftest import register

    other = register(tenant, admin, name="E-Kinerja")
    assert b"authorizationForm" in web.get(authorize_url(other, challenge)).content
    with tenant_scope(tenant):
        assert Consent.objects.filter(user=staff).count() == 1

    with tenant_scope(tenant):
        signins = AuditEvent.objects.filter(actor=staff, action="sso.sign_in").count()
    assert signins == 2


def test_anonymous_goes_to_the_warkat_sign_in(app: App) -> None:
    _, challenge = pkce()
    url = authorize_url(app, challenge)
    response = HttpClient().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/?next=/sso/authorize/")


def test_sign_in_with_totp_before_the_app(
    app: App, staff: User, tenant: Tenant
) -> None:
    """An account with TOTP passes the allauth two-factor step before the app gets a
    code: after the password alone, authorize still sends to sign in."""
    from allauth.mfa.totp.internal.auth import TOTP, hotp_value

    from warkat.accounts.tests.conftest import PASSWORD

    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(staff, secret)
    _, challenge = pkce()
    url = authorize_url(app, challenge)
    web = HttpClient()
    response = web.post(
        "/akun/login/?" + urlencode({"next": url}),
        {"login": "maria.yikwa", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/2fa/authenticate/")
    assert web.get(url)["Location"].startswith("/akun/login/")
    code = f"{hotp_value(secret, int(time.time()) // 30):06d}"
    response = web.post("/akun/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and response["Location"] == url
    page = web.get(url)
    assert b"authorizationForm" in page.content


def test_signer_without_totp_sets_it_up_before_any_app(
    web: HttpClient, app: App, tenant: Tenant, units: Any, settings: Any
) -> None:
    """Warkat's two-factor rule holds for SSO: a signer (pimpinan) without TOTP is
    sent to set it up instead of getting a code."""
    from warkat.accounts.tests.conftest import make_user
    from warkat.org.tests import factories as f

    settings.WARKAT_MFA_REQUIRED_FOR_SIGNERS = True
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Kepala Dinkes")
        f.assignment(tenant, person, f.position(tenant, units["dinkes"]))
    signer = make_user(tenant, "kadis.dinkes", "pimpinan", person=person)
    web.force_login(signer)
    _, challenge = pkce()
    response = web.get(authorize_url(app, challenge))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_refusing_consent_sends_access_denied(
    web: HttpClient, app: App, staff: User, tenant: Tenant
) -> None:
    import re

    web.force_login(staff)
    _, challenge = pkce()
    url = authorize_url(app, challenge)
    page = web.get(url)
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)
    )
    data = {k: v.replace("&amp;", "&") for k, v in fields.items()}
    params = query(continue_target(web.post(url, data)))  # no "allow"
    assert params["error"] == "access_denied" and "code" not in params
    with tenant_scope(tenant):
        assert not Consent.objects.exists()
        assert not AuditEvent.objects.filter(action="sso.sign_in").exists()
