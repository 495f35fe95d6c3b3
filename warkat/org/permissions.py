"""Who may change which part of the organisation.

The tenant admin manages the whole tree; a unit admin manages the subtree of the unit
named on their role. ``actor=None`` is the system itself (tenant creation, demo data,
management commands) and is always allowed.
"""

from __future__ import annotations

from typing import Any

from warkat.accounts.models import Role, UserRole
from warkat.org import errors
from warkat.org.models import Unit
from warkat.tenancy.models import Tenant

#: ``admin_paths`` result for the tenant admin: every unit.
EVERYWHERE: tuple[str, ...] = ("",)


def admin_paths(*, user: Any) -> tuple[str, ...]:
    """Materialised paths of the subtrees ``user`` administers (cached on the user)."""
    cached = getattr(user, "_org_admin_paths", None)
    if cached is not None:
        return cached
    paths: tuple[str, ...] = ()
    if user is not None and user.is_authenticated:
        if user.has_role(Role.TENANT_ADMIN):
            paths = EVERYWHERE
        elif user.has_role(Role.UNIT_ADMIN):
            paths = tuple(
                UserRole.objects.with_scopes_disabled()
                .filter(
                    user=user,
                    role=Role.UNIT_ADMIN,
                    unit__isnull=False,
                    tenant_id=user.tenant_id,
                )
                .values_list("unit__path", flat=True)
            )
    user._org_admin_paths = paths
    return paths


def is_org_admin(*, user: Any) -> bool:
    return bool(admin_paths(user=user))


def can_manage_unit(*, user: Any, unit: Unit) -> bool:
    if user is None:
        return True
    if getattr(user, "tenant_id", None) != unit.tenant_id:
        return False
    return any(unit.path.startswith(p) for p in admin_paths(user=user))


def require_manage_unit(*, user: Any, unit: Unit) -> None:
    if user is None:
        return
    if (
        not is_org_admin(user=user)
        or getattr(user, "tenant_id", None) != unit.tenant_id
    ):
        raise errors.forbidden()
    if not can_manage_unit(user=user, unit=unit):
        raise errors.forbidden_unit(unit.name)


def require_org_admin(*, user: Any, tenant: Tenant) -> None:
    """Tenant admin or a unit admin of some unit, of this tenant."""
    if user is None:
        return
    if getattr(user, "tenant_id", None) != tenant.pk or not is_org_admin(user=user):
        raise errors.forbidden()
