"""The demo receiver command reads the secrets of the subscriptions at its port."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from warkat.webhooks.management.commands.webhook_receiver import Command

pytestmark = pytest.mark.django_db


def test_it_verifies_with_the_subscriptions_secret(
    o: SimpleNamespace, hook: SimpleNamespace
) -> None:
    assert Command()._secrets_for(hook.receiver.port) == [hook.secret]
    assert Command()._secrets_for(1) == []
