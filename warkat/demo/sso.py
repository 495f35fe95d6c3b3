"""The demo's SKPD app registered for single sign-on: ``warkat.sso.skpd_app``
started by ``make demo`` beside Warkat (port + 1) signs Keerom's people in."""

from __future__ import annotations

from typing import Any

from warkat.accounts.models import Role, User
from warkat.sso.models import Client
from warkat.sso.services import client_create
from warkat.tenancy.models import Tenant

#: Public on purpose: demo data only, like the demo password.
DEMO_CLIENT_SECRET = "warkat-demo-skpd-app-secret-not-for-production"
DEMO_PORT = 8001


def demo_client_id(tenant: Tenant) -> str:
    return f"{tenant.slug}-skpd-demo"


def demo_sso_load(*, tenant: Tenant) -> Client:
    """Register the demo SKPD app as the tenant's administrator (in its scope)."""
    admin: Any = (
        User.objects.filter(tenant=tenant, roles__role=Role.TENANT_ADMIN)
        .order_by("pk")
        .first()
    )
    base = f"http://127.0.0.1:{DEMO_PORT}"
    client, _ = client_create(
        actor=admin,
        name="Aplikasi SKPD (demo)",
        description="SIMPEG mini: shows who signed in through Warkat",
        # Loopback: any port matches (RFC 8252), so `make demo PORT=…` works too.
        redirect_uris=[f"{base}/callback"],
        post_logout_redirect_uris=[f"{base}/bye"],
        allowed_scopes=["openid", "profile", "nip", "positions"],
        unit_ids=[],
        client_id=demo_client_id(tenant),
        secret=DEMO_CLIENT_SECRET,
    )
    return client
