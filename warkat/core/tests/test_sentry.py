"""Sentry: off without a DSN (and always in tests); the Django integration when on."""

from __future__ import annotations

from unittest import mock

import sentry_sdk
from django.conf import settings
from sentry_sdk.integrations.django import DjangoIntegration

from warkat.core import sentry
from warkat.core.requestid import _current


def test_without_a_dsn_nothing_is_initialised() -> None:
    assert settings.WARKAT_SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()


def test_with_a_dsn_the_django_integration_starts() -> None:
    with mock.patch("sentry_sdk.init") as init:
        sentry.sentry_init(
            dsn="https://key@sentry.invalid/1",
            environment="staging",
            traces_sample_rate=0.0,
        )
    kwargs = init.call_args.kwargs
    assert kwargs["dsn"] == "https://key@sentry.invalid/1"
    assert kwargs["environment"] == "staging"
    assert kwargs["send_default_pii"] is False
    assert any(isinstance(i, DjangoIntegration) for i in kwargs["integrations"])
    assert not sentry_sdk.get_client().is_active()


def test_events_tagged_with_the_request_id() -> None:
    token = _current.set("req-sentry")
    try:
        event = sentry._with_request_id({"message": "boom"}, None)
    finally:
        _current.reset(token)
    assert event["tags"] == {"request_id": "req-sentry"}
    assert "tags" not in sentry._with_request_id({"message": "boom"}, None)
