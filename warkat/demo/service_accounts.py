"""The demo's service account: the SIMPEG of Keerom mirrors the organisation through
the change feed (``org:read``) and reads the agenda (``letters:read``). Its token is
made at load and not kept; the administrator issues a new one on the account's page
(Akun layanan) to try the API."""

from __future__ import annotations

from typing import Any

from warkat.accounts.models import Role, ServiceAccount, User
from warkat.accounts.services.service_accounts import (
    service_account_create,
    service_account_token_create,
)
from warkat.tenancy.models import Tenant


def demo_service_account_load(*, tenant: Tenant) -> ServiceAccount:
    admin: Any = (
        User.objects.filter(tenant=tenant, roles__role=Role.TENANT_ADMIN)
        .order_by("pk")
        .first()
    )
    account = service_account_create(
        tenant=tenant,
        actor=admin,
        name="SIMPEG (demo)",
        description="Mirrors units, positions and assignments from the change feed",
        scopes=["org:read", "letters:read"],
        ip_allowlist=["127.0.0.1/32"],
        rate_limit_per_minute=120,
    )
    service_account_token_create(account=account, actor=admin, ttl_days=90)
    return account
