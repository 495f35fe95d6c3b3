"""An endpoint's signing secrets, sealed at rest with the installation key."""

from __future__ import annotations

from django.utils import timezone

from warkat.core.secrets import open_text, seal_text
from warkat.webhooks.models import Endpoint


def _label(endpoint: Endpoint) -> str:
    return f"webhook:{endpoint.uid}"


def secret_seal(endpoint: Endpoint, secret: str) -> str:
    return seal_text(secret, label=_label(endpoint))


def endpoint_secret(endpoint: Endpoint) -> str:
    return open_text(endpoint.secret_sealed, label=_label(endpoint))


def endpoint_secrets(endpoint: Endpoint) -> list[str]:
    """The secrets that sign now: the current one, and the previous one while its
    grace period after a rotation lasts."""
    found = [endpoint_secret(endpoint)]
    if (
        endpoint.previous_sealed
        and endpoint.previous_until
        and endpoint.previous_until > timezone.now()
    ):
        found.append(open_text(endpoint.previous_sealed, label=_label(endpoint)))
    return found
