"""Role checks shared by views, API routes and services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.accounts.models import Role
from warkat.core.errors import PermissionDenied

__all__ = ["AUDITORS", "USER_ADMINS", "Role", "has_role", "require_role"]

# Who may manage user accounts, and who may read the audit log.
USER_ADMINS = frozenset({Role.TENANT_ADMIN, Role.UNIT_ADMIN})
AUDITORS = frozenset({Role.TENANT_ADMIN})


def has_role(*, user: Any, roles: set[str] | frozenset[str]) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*roles))


def require_role(*, user: Any, roles: set[str] | frozenset[str]) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds one of ``roles``."""
    if not has_role(user=user, roles=roles):
        raise PermissionDenied(
            "auth.forbidden", _("You do not have permission to do this.")
        )
