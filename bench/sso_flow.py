"""The SSO benchmark's shared part: its tenant, client app and the browser's
authorization code (used by ``bench.bench_sso`` and ``bench.sso_server``)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bench.bench_checkin import bench_dinas

# Never followed: the code is read from the continue page.
REDIRECT = "https://skpd.bench.invalid/callback"
TARGET_MS = 30.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def setup() -> tuple[Any, Any, str]:
    from warkat.accounts.services import user_create
    from warkat.org.services.assignments import assignment_create
    from warkat.org.services.people import person_create
    from warkat.org.services.positions import position_create
    from warkat.sso.services import client_create
    from warkat.tenancy.scope import tenant_scope

    tenant, dinas = bench_dinas("bench-sso")
    with tenant_scope(tenant):
        admin, _ = user_create(
            tenant=tenant, actor=None, username="bench-sso-admin", person=None,
            password=secrets.token_urlsafe(16), roles=[("tenant_admin", None)],
        )  # fmt: skip
        person = person_create(
            tenant=tenant, actor=None, full_name="Pegawai Bench",
            employee_type="non_asn", email="pegawai@bench.invalid",
        )  # fmt: skip
        for name, kind in (("Kepala Seksi", "definitif"), ("Sekretaris", "plt")):
            position = position_create(
                tenant=tenant, actor=None, unit=dinas, name=name,
                code=f"BENCH.{kind}", category="pelaksana",
            )  # fmt: skip
            assignment_create(
                tenant=tenant, actor=None, person=person, position=position,
                kind=kind, start_date=dt.date(2024, 1, 1),
            )  # fmt: skip
        user, _ = user_create(
            tenant=tenant, actor=None, username="bench-sso-user", person=person,
            password=secrets.token_urlsafe(16), roles=[("staf", None)],
        )  # fmt: skip
        client, secret = client_create(
            actor=admin, name="Bench app", redirect_uris=[REDIRECT],
            post_logout_redirect_uris=[],
            allowed_scopes=["openid", "profile", "nip", "positions"], unit_ids=[],
        )  # fmt: skip
    return user, client, secret


def auth_code(browser: Any, client: Any) -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        .rstrip(b"=")
        .decode()
    )
    params = {
        "response_type": "code", "client_id": client.client_id,
        "redirect_uri": REDIRECT, "scope": "openid profile nip positions",
        "state": "s", "code_challenge": challenge, "code_challenge_method": "S256",
    }  # fmt: skip
    url = "/sso/authorize/?" + urlencode(params)
    page = browser.get(url)
    if b'id="authorizationForm"' in page.content:
        fields = dict(
            re.findall(rb'type="hidden" name="([^"]+)" value="([^"]*)"', page.content)
        )
        data = {k.decode(): v.decode().replace("&amp;", "&") for k, v in fields.items()}
        page = browser.post(url, {**data, "allow": "Authorize"})
    target = re.search(rb'id="continue" href="([^"]+)"', page.content)
    assert target, page.status_code
    query = parse_qs(urlsplit(target.group(1).decode().replace("&amp;", "&")).query)
    return query["code"][0], verifier
