"""Keerom's webhook demo: one subscription to every event, sent to the local
receiver ``manage.py webhook_receiver`` (started by ``make demo``) on
127.0.0.1:``DEMO_RECEIVER_PORT``, reached through Keerom's internal host list."""

from __future__ import annotations

from typing import Any

from warkat.accounts.models import Role, User
from warkat.tenancy.models import Tenant
from warkat.webhooks.models import Endpoint, EventType, Scope
from warkat.webhooks.services import endpoint_create, webhook_settings_set

DEMO_RECEIVER_PORT = 8790
DEMO_NAME = "Aplikasi SKPD (demo)"


def demo_webhooks_load(*, tenant: Tenant) -> Endpoint:
    """The demo subscription (inside ``tenant``'s scope); its admin is the tenant's
    first administrator."""
    admin: Any = (
        User.objects.filter(tenant=tenant, roles__role=Role.TENANT_ADMIN)
        .order_by("pk")
        .first()
    )
    webhook_settings_set(actor=admin, internal_hosts=["127.0.0.1"])
    endpoint, _secret = endpoint_create(
        actor=admin,
        name=DEMO_NAME,
        url=f"http://127.0.0.1:{DEMO_RECEIVER_PORT}/hook",
        event_types=list(EventType.values),
        scopes=[Scope.LETTERS_READ, Scope.DISPOSITIONS_READ],
    )
    return endpoint
