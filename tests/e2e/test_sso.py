"""Single sign-on in the browser with a real relying party: the SKPD demo app
(``warkat.sso.skpd_app``, Authlib) on its own loopback port signs a person in
through Warkat — password and TOTP, consent — reads the claims, refreshes its
tokens and signs out through Warkat's RP-initiated logout."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

RP_PORT = 18410
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "Rahasia-Kuat-2026"


@pytest.fixture
def sso_setup(live_server: Any) -> Iterator[dict[str, Any]]:
    from allauth.mfa.totp.internal.auth import TOTP

    from warkat.accounts.services import user_create
    from warkat.org.tests import factories as f
    from warkat.sso import services
    from warkat.sso.skpd_app import SkpdApp, serve
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    tenant = tenant_create(region_code="91.11", actor=None, build_regions=False)
    with tenant_scope(tenant):
        admin, _ = user_create(
            tenant=tenant, actor=None, username="admin.keerom", person=None,
            password=PASSWORD, roles=[("tenant_admin", None)],
        )  # fmt: skip
        dinkes = f.unit(tenant, name="Dinas Kesehatan", code="DINKES")
        person = f.person(tenant, full_name="Maria Yikwa", email="maria@keerom.go.id")
        f.assignment(tenant, person, f.position(tenant, dinkes, name="Kepala Seksi"))
        f.assignment(
            tenant, person, f.position(tenant, dinkes, name="Sekretaris Dinas"),
            kind="plh", start_date=dt.date(2024, 1, 1),
        )  # fmt: skip
        user, _ = user_create(
            tenant=tenant, actor=None, username="maria.yikwa", person=person,
            password=PASSWORD, roles=[("staf", None)],
        )  # fmt: skip
        base = f"http://127.0.0.1:{RP_PORT}"
        client, secret = services.client_create(
            actor=admin,
            name="SIMPEG Keerom",
            redirect_uris=[f"{base}/callback"],
            post_logout_redirect_uris=[f"{base}/bye"],
            allowed_scopes=["openid", "profile", "nip", "positions"],
            unit_ids=[dinkes.pk],
        )
    TOTP.activate(user, TOTP_SECRET)
    app = SkpdApp(
        issuer=f"{live_server.url}/sso",
        client_id=client.client_id,
        client_secret=secret,
        base_url=base,
        title="SIMPEG Keerom",
    )
    server = serve(app, host="127.0.0.1", port=RP_PORT)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": base, "user": user, "person": person, "app": app}
    finally:
        server.shutdown()
        server.server_close()


def _totp() -> str:
    from allauth.mfa.totp.internal.auth import hotp_value

    return f"{hotp_value(TOTP_SECRET, int(time.time()) // 30):06d}"


def test_skpd_app_signs_in_reads_claims_refreshes_and_signs_out(
    page: Any, live_server: Any, sso_setup: dict[str, Any]
) -> None:
    base = sso_setup["base"]
    page.goto(f"{base}/")
    page.click("#login")
    # Warkat's own sign-in: password, then the authenticator code.
    page.wait_for_url("**/akun/login/**")
    page.fill("input[name=login]", "maria.yikwa")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/2fa/" in page.url, page.url
    page.fill("input[name=code]", _totp())
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    # Consent, once for this app.
    assert "/sso/authorize/" in page.url, page.url
    assert "SIMPEG Keerom" in page.content()
    page.click("button[name=allow]")
    page.wait_for_url(f"{base}/")
    assert "Selamat datang, Maria Yikwa" in page.inner_text("#greeting")
    assert page.inner_text("#claim-nip") == sso_setup["person"].nip
    positions = page.inner_text("#positions")
    assert "definitif · Kepala Seksi · Dinas Kesehatan" in positions
    assert "plh · Sekretaris Dinas · Dinas Kesehatan" in positions
    assert "91.11" in page.inner_text("#claim-tenant")

    page.click("#refresh")
    page.wait_for_url(f"{base}/")
    assert page.inner_text("#refreshed") == "Token diperbarui: 1"
    assert "Maria Yikwa" in page.inner_text("#greeting")

    page.click("#logout")
    page.wait_for_url(f"{base}/bye")
    # Signed out of Warkat too: the next sign-in asks for the password again.
    page.goto(f"{live_server.url}/")
    assert "/akun/login/" in page.url, page.url

    from oauth2_provider.models import AccessToken

    assert not AccessToken.objects.filter(user=sso_setup["user"]).exists()

    # Signing in again goes through the password and TOTP, then straight back
    # (consent remembered).
    page.goto(f"{base}/login")
    page.fill("input[name=login]", "maria.yikwa")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/2fa/" in page.url, page.url
