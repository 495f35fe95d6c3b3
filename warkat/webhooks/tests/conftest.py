"""Webhook tests: the letters' org and frozen time, a loopback receiver that verifies
signatures with the ``standardwebhooks`` library, and a subscription to it."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.letters.tests.conftest import frozen, media, o  # noqa: F401
from warkat.webhooks.receiver import Receiver
from warkat.webhooks.services import endpoint_create, webhook_settings_set


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def hook(o: SimpleNamespace, receiver: Receiver, settings: Any) -> SimpleNamespace:  # noqa: F811
    """A subscription of Keerom to every event, reaching the loopback receiver
    through the tenant's internal host list."""
    settings.WARKAT_WEBHOOK_TIMEOUT = 2
    webhook_settings_set(actor=o.users.admin, internal_hosts=["127.0.0.1"])
    endpoint, secret = endpoint_create(
        actor=o.users.admin,
        name="SKPD app",
        url=receiver.url,
        event_types=[
            "letter.registered",
            "disposition.created",
            "disposition.read",
            "disposition.followed_up",
            "disposition.overdue",
            "letter.signed",
            "letter.delivered",
            "draft.review_requested",
        ],
        scopes=["letters:read", "dispositions:read"],
    )
    receiver.secrets = [secret]
    return SimpleNamespace(endpoint=endpoint, secret=secret, receiver=receiver)


@pytest.fixture
def theirs(
    hook: SimpleNamespace, other_tenant: Any, django_capture_on_commit_callbacks: Any
) -> SimpleNamespace:
    """Gorontalo's own subscription (to the same receiver) and one delivery of it."""
    from warkat.letters.tests.factories import build_org, register
    from warkat.tenancy.scope import tenant_scope
    from warkat.webhooks.models import Delivery

    with tenant_scope(other_tenant):
        g = build_org(other_tenant, prefix="g")
        webhook_settings_set(actor=g.users.admin, internal_hosts=["127.0.0.1"])
        endpoint, _secret = endpoint_create(
            actor=g.users.admin,
            name="Gorontalo app",
            url=hook.receiver.url,
            event_types=["letter.registered"],
            scopes=[],
        )
        with django_capture_on_commit_callbacks(execute=True):
            register(g)
        delivery = Delivery.objects.get()
    return SimpleNamespace(endpoint=endpoint, delivery=delivery)
