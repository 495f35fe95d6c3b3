"""Error reports to Sentry, only when ``WARKAT_SENTRY_DSN`` is set (never in tests:
the settings leave the DSN empty there)."""

from __future__ import annotations

from typing import Any


def _with_request_id(event: Any, hint: Any) -> Any:
    # The same id as in the logs and on the response, to find the matching lines.
    from warkat.core.requestid import request_id

    rid = request_id()
    if rid is not None:
        event.setdefault("tags", {})["request_id"] = rid
    return event


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Start the Sentry client with the Django integration. Personal data (user
    names, addresses, cookies, bodies) is not sent: letters may be confidential."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=_with_request_id,
    )
