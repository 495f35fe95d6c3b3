"""A production deployment needs its own ID-token signing key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register("security", deploy=False)
def oidc_key_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION or settings.OAUTH2_PROVIDER.get("OIDC_RSA_PRIVATE_KEY"):
        return []
    return [
        Error(
            "No signing key for OpenID Connect ID tokens.",
            hint="Set WARKAT_OIDC_KEY_FILE (manage.py sso_key_create makes one).",
            id="warkat.E020",
        )
    ]
