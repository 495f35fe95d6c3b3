"""Fixtures of the SSO tests: a Keerom admin, people inside and outside the app's
unit, a Gorontalo user, a registered client app, and the OAuth flow as an app and
a browser would run it (through Django's test client)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client as HttpClient

from warkat.accounts.models import User
from warkat.accounts.tests.conftest import make_user
from warkat.org.tests import factories as f
from warkat.sso import services
from warkat.sso.models import Client
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

REDIRECT = "http://127.0.0.1:18490/callback"
SCOPE = "openid profile nip positions"


@dataclass
class App:
    client: Client
    secret: str


@pytest.fixture
def admin(tenant: Tenant) -> User:
    return make_user(tenant, "admin.keerom", "tenant_admin")


@pytest.fixture
def units(tenant: Tenant) -> dict[str, Any]:
    with tenant_scope(tenant):
        dinkes = f.unit(tenant, name="Dinas Kesehatan", code="DINKES")
        bidang = f.unit(
            tenant, parent=dinkes, kind="bidang", name="Bidang P2P", code="DINKES.P2P"
        )
        other = f.unit(tenant, name="Dinas Pendidikan", code="DISDIK")
    return {"dinkes": dinkes, "bidang": bidang, "other": other}


@pytest.fixture
def staff(tenant: Tenant, units: dict[str, Any]) -> User:
    """Maria: definitif in Bidang P2P (under Dinas Kesehatan), Plt head of Dinkes."""
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Maria Yikwa", email="maria@keerom.go.id")
        kabid = f.position(tenant, units["bidang"], name="Kepala Bidang P2P")
        kadis = f.position(tenant, units["dinkes"], name="Kepala Dinas Kesehatan")
        f.assignment(tenant, person, kabid)
        f.assignment(tenant, person, kadis, kind="plt", start_date=dt.date(2024, 6, 1))
    return make_user(tenant, "maria.yikwa", "staf", person=person)


@pytest.fixture
def outsider(tenant: Tenant, units: dict[str, Any]) -> User:
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Guru Disdik")
        f.assignment(tenant, person, f.position(tenant, units["other"]))
    return make_user(tenant, "guru.disdik", "staf", person=person)


@pytest.fixture
def other_user(other_tenant: Tenant) -> User:
    with tenant_scope(other_tenant):
        person = f.person(other_tenant, full_name="Warga Gorontalo")
    return make_user(other_tenant, "staf.gorontalo", "staf", person=person)


def register(tenant: Tenant, actor: User, **kw: Any) -> App:
    kw.setdefault("name", "SIMPEG Keerom")
    kw.setdefault("redirect_uris", [REDIRECT])
    kw.setdefault("post_logout_redirect_uris", ["http://127.0.0.1:18490/bye"])
    kw.setdefault("allowed_scopes", ["openid", "profile", "email", "nip", "positions"])
    kw.setdefault("unit_ids", [])
    with tenant_scope(tenant):
        client, secret = services.client_create(actor=actor, **kw)
    return App(client, secret)


@pytest.fixture
def app(tenant: Tenant, admin: User, units: dict[str, Any]) -> App:
    """A client app open to the people of Dinas Kesehatan and below."""
    return register(tenant, admin, unit_ids=[units["dinkes"].pk])


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    return verifier, challenge


def authorize_url(app: App, challenge: str | None, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": app.client.client_id,
        "redirect_uri": REDIRECT,
        "scope": SCOPE,
        "state": "st4te",
        "nonce": "n0nce",
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    params |= extra
    return "/sso/authorize/?" + urlencode({k: v for k, v in params.items() if v})


def continue_target(response: Any) -> str:
    """The app address the 'back to the app' page continues to."""
    assert response.status_code == 200, response.status_code
    match = re.search(rb'id="continue" href="([^"]+)"', response.content)
    assert match, response.content[:500]
    return match.group(1).decode().replace("&amp;", "&")


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def consent(web: HttpClient, url: str) -> Any:
    """GET the authorize URL and, if the consent page shows, allow."""
    response = web.get(url)
    if b'id="authorizationForm"' not in response.content:
        return response
    fields = dict(
        re.findall(
            rb'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.content
        )
    )
    data = {k.decode(): v.decode().replace("&amp;", "&") for k, v in fields.items()}
    data["allow"] = "Authorize"
    return web.post(url, data)


def get_code(web: HttpClient, app: App, user: User, **extra: str) -> tuple[str, str]:
    web.force_login(user)
    verifier, challenge = pkce()
    target = continue_target(consent(web, authorize_url(app, challenge, **extra)))
    params = query(target)
    assert target.startswith(REDIRECT) and params["state"] == "st4te", target
    return params["code"], verifier


def exchange(app: App, code: str, verifier: str, **extra: str) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": app.client.client_id,
        "client_secret": app.secret,
        "code_verifier": verifier,
    } | extra
    # Apps have no CSRF cookie: the token endpoint must not ask for one.
    return HttpClient(enforce_csrf_checks=True).post("/sso/token/", data)


def userinfo(access_token: str) -> Any:
    return HttpClient(enforce_csrf_checks=True).get(
        "/sso/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}"
    )


def refresh(app: App, refresh_token: str) -> Any:
    return HttpClient(enforce_csrf_checks=True).post(
        "/sso/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": app.client.client_id,
            "client_secret": app.secret,
        },
    )


@pytest.fixture
def web() -> HttpClient:
    return HttpClient()
