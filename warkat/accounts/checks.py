"""System checks that stop a production deployment with development secrets."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError

DEV_SECRET_MARKER = "insecure"


@register("security", deploy=False)
def production_safety(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.PRODUCTION:
        return []
    problems: list[CheckMessage] = []
    if not settings.SECRET_KEY or DEV_SECRET_MARKER in settings.SECRET_KEY:
        problems.append(
            Error(
                "WARKAT_SECRET_KEY is the development key.",
                hint="Set WARKAT_SECRET_KEY to a long random value.",
                id="warkat.E001",
            )
        )
    if settings.DEBUG:
        problems.append(
            Error(
                "Debug mode is on in production.",
                hint="Unset WARKAT_DEBUG.",
                id="warkat.E002",
            )
        )
    demo_users = demo_password_users()
    if demo_users:
        problems.append(
            Error(
                "Active users still have the demo password: "
                + ", ".join(demo_users[:10]),
                hint="Reset their passwords or deactivate them.",
                id="warkat.E003",
            )
        )
    return problems


def demo_password_users() -> list[str]:
    """Usernames of active users whose password is the demo password."""
    from warkat.accounts.models import User

    try:
        rows = list(
            User.objects.filter(is_active=True, password_is_demo=True).values_list(
                "username", "password"
            )
        )
    except DatabaseError:
        # Before the first migrate there are no users to check.
        return []
    return [
        username
        for username, encoded in rows
        if encoded and check_password(settings.WARKAT_DEMO_PASSWORD, encoded)
    ]
