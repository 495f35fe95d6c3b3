"""System checks of the signing configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def bsre_trust_roots_check(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """A BSrE trust bundle that is set must load: otherwise every BSrE-signed
    document would be shown as untrusted."""
    from warkat.signing.verification import pem_bundle

    path = settings.WARKAT_BSRE_TRUST_ROOTS
    if not path:
        return []
    try:
        pem_bundle(path)
    except (OSError, ValueError) as exc:
        return [
            Error(
                f"WARKAT_BSRE_TRUST_ROOTS cannot be used: {exc}",
                hint="Point it at a PEM file with the BSrE root CA certificate(s).",
                id="warkat.E101",
            )
        ]
    return []
