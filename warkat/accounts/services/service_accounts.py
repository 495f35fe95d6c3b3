"""Writes of service accounts (machine identities of other SKPD apps): create, edit,
disable, their tokens (create, rotate with a grace period, revoke) and the shared
per-minute request counter. Each change is a transaction and an audit event."""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from warkat.accounts import errors, selectors
from warkat.accounts.models import (
    ApiRateWindow,
    ApiToken,
    Role,
    ServiceAccount,
    User,
    UserRole,
)
from warkat.accounts.services import TOKEN_PREFIX
from warkat.api.scopes import SCOPES
from warkat.audit.services import audit_record
from warkat.org.models import Unit
from warkat.tenancy.models import Tenant

#: What a machine may be granted: never an administrator's or a leader's role.
SERVICE_ROLES = frozenset({Role.TU, Role.KEPEGAWAIAN, Role.MESIN_ABSEN})
MAX_RATE = 100_000
_WINDOW = 60


def _check_tenant_admin(actor: Any, tenant: Tenant) -> None:
    from warkat.accounts.permissions import require_role

    if actor is None:
        return
    require_role(user=actor, roles={Role.TENANT_ADMIN})
    if actor.tenant_id != tenant.pk:
        raise errors.user_not_found()


def _clean(
    *,
    tenant: Tenant,
    scopes: Iterable[str],
    ip_allowlist: Iterable[str],
    rate_limit_per_minute: int,
    roles: Iterable[tuple[str, Unit | None]],
) -> tuple[list[str], list[str], list[tuple[str, Unit | None]]]:
    scope_list = sorted(set(scopes))
    for name in scope_list:
        if name not in SCOPES:
            raise errors.service_account_scope_unknown(name)
    cidrs: list[str] = []
    for raw in ip_allowlist:
        value = raw.strip()
        if not value:
            continue
        try:
            cidrs.append(str(ipaddress.ip_network(value, strict=False)))
        except ValueError as exc:
            raise errors.service_account_cidr_invalid(value[:60]) from exc
    if not 1 <= rate_limit_per_minute <= MAX_RATE:
        raise errors.service_account_rate_invalid()
    role_list: list[tuple[str, Unit | None]] = []
    for role, unit in roles:
        if role not in SERVICE_ROLES or (role == Role.TU) != (unit is not None):
            raise errors.service_account_role_invalid()
        if unit is not None and unit.tenant_id != tenant.pk:
            raise errors.unit_not_found()
        if (role, unit) not in role_list:
            role_list.append((role, unit))
    return scope_list, cidrs, role_list


def _settings_save(
    account: ServiceAccount,
    *,
    name: str,
    description: str,
    scopes: Iterable[str],
    ip_allowlist: Iterable[str],
    rate_limit_per_minute: int,
    roles: Iterable[tuple[str, Unit | None]],
) -> dict[str, Any]:
    """Check and store the settings of a new or existing account (and its user's
    roles); returns them for the audit event."""
    tenant = account.tenant
    scope_list, cidrs, role_list = _clean(
        tenant=tenant,
        scopes=scopes,
        ip_allowlist=ip_allowlist,
        rate_limit_per_minute=rate_limit_per_minute,
        roles=roles,
    )
    account.name = name.strip()[:100]
    account.description = description[:300]
    account.scopes = scope_list
    account.ip_allowlist = cidrs
    account.rate_limit_per_minute = rate_limit_per_minute
    if account.user_id is None:
        user = User(
            tenant=tenant,
            username=f"svc-{tenant.pk}-{secrets.token_hex(6)}",
            first_name=account.name[:150],
        )
        user.set_unusable_password()
        user.save()
        account.user = user
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise errors.service_account_name_taken() from exc
    UserRole.objects.filter(user=account.user).delete()
    UserRole.objects.bulk_create(
        [
            UserRole(tenant_id=account.tenant_id, user=account.user, role=r, unit=u)
            for r, u in role_list
        ]
    )
    account.user.__dict__.pop("_role_cache", None)  # recomputed when next asked
    return {
        "name": account.name,
        "scopes": scope_list,
        "ip_allowlist": cidrs,
        "rate_limit_per_minute": rate_limit_per_minute,
        "roles": sorted(f"{r}@{u.code}" if u else r for r, u in role_list),
    }


@transaction.atomic
def service_account_create(
    *,
    tenant: Tenant,
    actor: Any,
    name: str,
    description: str = "",
    scopes: Iterable[str] = (),
    ip_allowlist: Iterable[str] = (),
    rate_limit_per_minute: int = 120,
    roles: Iterable[tuple[str, Unit | None]] = (),
) -> ServiceAccount:
    """A machine identity: a user row without password or person (it never signs in,
    holds no position, receives no letter) that only its tokens act as."""
    _check_tenant_admin(actor, tenant)
    account = ServiceAccount(tenant=tenant)
    data = _settings_save(
        account,
        name=name,
        description=description,
        scopes=scopes,
        ip_allowlist=ip_allowlist,
        rate_limit_per_minute=rate_limit_per_minute,
        roles=roles,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="service_account.create",
        obj=account,
        data=data,
    )
    return account


@transaction.atomic
def service_account_update(
    *, account: ServiceAccount, actor: Any, **settings: Any
) -> ServiceAccount:
    """New settings (those of ``service_account_create``) take effect on the next
    request of every token of the account."""
    _check_tenant_admin(actor, account.tenant)
    data = _settings_save(account, **settings)
    audit_record(
        tenant=account.tenant,
        actor=actor,
        action="service_account.update",
        obj=account,
        data=data,
    )
    return account


@transaction.atomic
def service_account_disable(*, account: ServiceAccount, actor: Any) -> ServiceAccount:
    """At once: every token of the account is refused from the next request."""
    _check_tenant_admin(actor, account.tenant)
    now = timezone.now()
    if account.disabled_at is None:
        account.disabled_at = now
        account.save(update_fields=["disabled_at", "updated_at"])
        revoked = ApiToken.objects.filter(
            user=account.user, revoked_at__isnull=True
        ).update(revoked_at=now)
        audit_record(
            tenant=account.tenant,
            actor=actor,
            action="service_account.disable",
            obj=account,
            data={"tokens_revoked": revoked},
        )
    return account


def _token_new(account: ServiceAccount, ttl_days: int) -> tuple[ApiToken, str]:
    if not 1 <= ttl_days <= 365:
        raise errors.token_ttl_invalid()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        tenant_id=account.tenant_id,
        user=account.user,
        key_hash=selectors.api_token_hash(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        name=account.name[:100],
        expires_at=timezone.now() + dt.timedelta(days=ttl_days),
    )
    return token, raw


@transaction.atomic
def service_account_token_create(
    *, account: ServiceAccount, actor: Any, ttl_days: int = 90
) -> tuple[ApiToken, str]:
    """A new token (only its hash is kept; the raw value is returned once)."""
    _check_tenant_admin(actor, account.tenant)
    token, raw = _token_new(account, ttl_days)
    audit_record(
        tenant=account.tenant,
        actor=actor,
        action="service_account.token_create",
        obj=account,
        data={"token": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def service_account_token_rotate(
    *, account: ServiceAccount, actor: Any, grace_hours: int = 24, ttl_days: int = 90
) -> tuple[ApiToken, str]:
    """Rotation without downtime: a new token now, and the live ones keep working
    until the grace period ends (then they are refused as rotated out)."""
    _check_tenant_admin(actor, account.tenant)
    if not 0 <= grace_hours <= 30 * 24:
        raise errors.service_account_grace_invalid()
    now = timezone.now()
    grace_end = now + dt.timedelta(hours=grace_hours)
    old = list(
        ApiToken.objects.select_for_update().filter(
            user=account.user,
            revoked_at__isnull=True,
            rotated_at__isnull=True,
            expires_at__gt=now,
        )
    )
    for token in old:
        token.rotated_at = now
        token.expires_at = min(token.expires_at, grace_end)
        token.save(update_fields=["rotated_at", "expires_at"])
    token, raw = _token_new(account, ttl_days)
    audit_record(
        tenant=account.tenant,
        actor=actor,
        action="service_account.token_rotate",
        obj=account,
        data={
            "token": token.prefix,
            "rotated": [t.prefix for t in old],
            "grace_until": grace_end.isoformat(),
        },
    )
    return token, raw


@transaction.atomic
def service_account_token_revoke(
    *, account: ServiceAccount, token: ApiToken, actor: Any
) -> ApiToken:
    _check_tenant_admin(actor, account.tenant)
    if token.user_id != account.user_id:
        raise errors.user_not_found()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            tenant=account.tenant,
            actor=actor,
            action="service_account.token_revoke",
            obj=account,
            data={"token": token.prefix},
        )
    return token


def service_account_rate_take(
    *, account: ServiceAccount, now: float | None = None
) -> int | None:
    """Count one request against the account's per-minute limit in the shared
    database (one atomic upsert, so every app host counts against the same limit).
    None when the request may go on, else the seconds until the window ends."""
    moment = time.time() if now is None else now
    window = int(moment // _WINDOW) * _WINDOW
    table = connection.ops.quote_name(ApiRateWindow._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (account_id, window_start, count) "
            "VALUES (%s, %s, 1) ON CONFLICT (account_id) DO UPDATE SET "
            "count = CASE WHEN "
            f"{table}.window_start = excluded.window_start "
            f"THEN {table}.count + 1 ELSE 1 END, "
            "window_start = excluded.window_start RETURNING count",
            [account.pk, window],
        )
        count = cursor.fetchone()[0]
    if count <= account.rate_limit_per_minute:
        return None
    return max(1, int(window + _WINDOW - moment + 0.999))
