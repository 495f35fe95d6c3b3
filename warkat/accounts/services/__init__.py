"""Writes of accounts: users, roles, passwords, lockout and API tokens. Each one is a
transaction and an audit event."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from warkat.accounts import errors, selectors
from warkat.accounts.models import ApiToken, Role, User, UserRole
from warkat.api.scopes import SCOPES
from warkat.audit.services import audit_record
from warkat.core.errors import ValidationError
from warkat.org.models import Person, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")
#: Roles that name the unit they apply to.
UNIT_ROLES = frozenset({Role.UNIT_ADMIN, Role.TU})
#: What a unit admin may grant (inside their units); the rest needs a tenant admin.
UNIT_ADMIN_GRANTS = frozenset({Role.TU, Role.PIMPINAN, Role.STAF})
ADMIN_ROLES = frozenset({Role.TENANT_ADMIN, Role.UNIT_ADMIN})
# No look-alike characters: temporary passwords are read out or copied by hand.
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
TOKEN_PREFIX = "wkt_"

RoleSpec = tuple[str, Unit | None]


class PasswordRejected(ValidationError):
    """The password validators' reasons, kept in both languages."""

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons
        base = errors.password_invalid([])
        super().__init__(base.code, base.message, field=base.field)

    def text(self, language: str | None = None) -> str:
        lang = language or translation.get_language() or "id"
        reasons = self.reasons.get(lang[:2]) or self.reasons.get("en", "")
        if language is None:
            raw = str(self.message)
        else:
            with translation.override(language):
                raw = str(self.message)
        return raw % {"reasons": reasons}


def password_generate() -> str:
    """A temporary password: three groups of four unambiguous characters."""
    groups = (
        "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)
    )
    return "-".join(groups)


def password_check(*, password: str, user: User | None = None) -> None:
    """Raise unless ``password`` passes the validators (and is not the demo
    password in production)."""
    if settings.PRODUCTION and password == settings.WARKAT_DEMO_PASSWORD:
        raise errors.password_is_demo()
    reasons: dict[str, str] = {}
    for lang in ("id", "en"):
        with translation.override(lang):
            try:
                password_validation.validate_password(password, user)
            except DjangoValidationError as exc:
                reasons[lang] = " ".join(str(m) for m in exc.messages)
    if reasons:
        raise PasswordRejected(reasons)


def _username_clean(username: str, person: Person | None) -> str:
    name = (username or "").strip().lower()
    if not USERNAME_RE.match(name):
        raise errors.username_invalid()
    if name.isdigit() and (person is None or person.nip != name):
        raise errors.username_digits_not_nip()
    return name


def _tenant_of(user: User) -> Tenant:
    """The tenant of a tenant user; platform accounts are not administered here."""
    if user.tenant is None:
        raise errors.user_not_found()
    return user.tenant


def _check_admin(actor: Any, tenant: Tenant) -> None:
    """``actor`` None is the system (demo loader, management commands)."""
    from warkat.accounts.permissions import require_role

    if actor is None:
        return
    require_role(user=actor, roles=ADMIN_ROLES)
    if actor.tenant_id != tenant.pk:
        raise errors.user_not_found()


def _check_manages(actor: Any, user: User) -> None:
    """``actor`` may administer ``user`` (same tenant, and in a unit admin's units)."""
    if actor is None:
        return
    _check_admin(actor, _tenant_of(user))
    if not selectors.users_visible(actor=actor).filter(pk=user.pk).exists():
        raise errors.user_not_found()
    if user.has_role(Role.TENANT_ADMIN) and not actor.has_role(Role.TENANT_ADMIN):
        raise errors.role_not_grantable(Role.TENANT_ADMIN)


def _roles_clean(
    *, tenant: Tenant, actor: Any, roles: Iterable[tuple[str, Unit | None]]
) -> list[RoleSpec]:
    cleaned: list[RoleSpec] = []
    seen: set[tuple[str, int | None]] = set()
    for role, unit in roles:
        if role not in Role.values:
            raise errors.role_invalid(str(role))
        if role in UNIT_ROLES and unit is None:
            raise errors.role_needs_unit(role)
        if role not in UNIT_ROLES and unit is not None:
            raise errors.role_takes_no_unit(role)
        if unit is not None and unit.tenant_id != tenant.pk:
            raise errors.unit_not_found()
        if actor is not None and not actor.has_role(Role.TENANT_ADMIN):
            if role not in UNIT_ADMIN_GRANTS:
                raise errors.role_not_grantable(role)
            if unit is not None and not selectors.unit_in_admin_scope(
                actor=actor, unit=unit
            ):
                raise errors.role_not_grantable(role)
        key = (role, unit.pk if unit else None)
        if key not in seen:
            seen.add(key)
            cleaned.append((role, unit))
    return cleaned


def _roles_data(roles: Iterable[RoleSpec]) -> list[str]:
    return sorted(f"{role}@{unit.code}" if unit else role for role, unit in roles)


@transaction.atomic
def user_create(
    *,
    tenant: Tenant,
    actor: Any,
    username: str,
    person: Person | None = None,
    password: str | None = None,
    roles: Iterable[tuple[str, Unit | None]] = (),
    email: str = "",
) -> tuple[User, str]:
    """Create the user ID of ``person`` (one per person) and return it with its
    initial password. A generated password must be changed at first sign-in."""
    _check_admin(actor, tenant)
    if person is not None and person.tenant_id != tenant.pk:
        raise errors.person_other_tenant()
    if (
        actor is not None
        and not actor.has_role(Role.TENANT_ADMIN)
        and (person is None or not _person_in_admin_scope(actor, person))
    ):
        # A unit admin creates users only for people in their units.
        raise errors.person_other_tenant()
    name = _username_clean(username, person)
    role_specs = _roles_clean(tenant=tenant, actor=actor, roles=roles)
    if User.objects.filter(username__iexact=name).exists():
        raise errors.username_taken(name)
    if person is not None and User.objects.filter(person=person).exists():
        raise errors.person_has_user(person.display_name)
    generated = password is None
    initial = password_generate() if password is None else password
    user = User(
        tenant=tenant,
        person=person,
        username=name,
        email=email or (person.email if person else ""),
        first_name=(person.full_name[:150] if person else ""),
        must_change_password=generated,
    )
    password_check(password=initial, user=user)
    user.set_password(initial)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Lost a race with a concurrent create of the same username or person.
        raise errors.username_taken(name) from exc
    UserRole.objects.bulk_create(
        [UserRole(tenant=tenant, user=user, role=r, unit=u) for r, u in role_specs]
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="user.create",
        obj=user,
        data={
            "username": name,
            "person": person.pk if person else None,
            "roles": _roles_data(role_specs),
            "generated_password": generated,
        },
    )
    return user, initial


def _person_in_admin_scope(actor: Any, person: Person) -> bool:
    from warkat.org.selectors import positions_held

    return any(
        selectors.unit_in_admin_scope(actor=actor, unit=a.position.unit)
        for a in positions_held(person=person)
    )


@transaction.atomic
def user_set_roles(
    *, user: User, actor: Any, roles: Iterable[tuple[str, Unit | None]]
) -> User:
    """Replace ``user``'s roles. A unit admin changes only roles they may grant and
    keeps the others as they are."""
    _check_manages(actor, user)
    wanted = _roles_clean(tenant=_tenant_of(user), actor=actor, roles=roles)
    current = list(UserRole.objects.filter(user=user).select_related("unit"))
    before = _roles_data((r.role, r.unit) for r in current)
    if actor is not None and not actor.has_role(Role.TENANT_ADMIN):
        # Roles outside the unit admin's reach are not theirs to remove.
        kept = [
            (r.role, r.unit)
            for r in current
            if r.role not in UNIT_ADMIN_GRANTS
            or (
                r.unit is not None
                and not selectors.unit_in_admin_scope(actor=actor, unit=r.unit)
            )
        ]
        wanted = _roles_clean(
            tenant=_tenant_of(user), actor=None, roles=[*kept, *wanted]
        )
    drops_own_admin = any(r.role == Role.TENANT_ADMIN for r in current) and not any(
        role == Role.TENANT_ADMIN for role, _ in wanted
    )
    if actor is not None and actor.pk == user.pk and drops_own_admin:
        # Keeps at least the acting admin able to administer.
        raise errors.not_own_account()
    UserRole.objects.filter(user=user).delete()
    UserRole.objects.bulk_create(
        [UserRole(tenant=user.tenant, user=user, role=r, unit=u) for r, u in wanted]
    )
    user.__dict__.pop("_role_cache", None)
    audit_record(
        tenant=_tenant_of(user),
        actor=actor,
        action="user.roles_set",
        obj=user,
        data={"before": before, "after": _roles_data(wanted)},
    )
    return user


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def user_reset_password(*, user: User, actor: Any) -> str:
    """Give ``user`` a new temporary password (to change at next sign-in); also
    unlocks the account and revokes its API tokens."""
    _check_manages(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise errors.not_own_account()
    password = password_generate()
    user.set_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    user.save(
        update_fields=[
            "password",
            "must_change_password",
            "failed_logins",
            "locked_until",
        ]
    )
    revoked = _revoke_tokens(user)
    audit_record(
        tenant=_tenant_of(user),
        actor=actor,
        action="user.password_reset",
        obj=user,
        data={"tokens_revoked": revoked},
    )
    return password


@transaction.atomic
def user_deactivate(*, user: User, actor: Any) -> User:
    """Stop ``user`` from signing in; history keeps pointing at the account."""
    _check_manages(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise errors.not_own_account()
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = _revoke_tokens(user)
    audit_record(
        tenant=_tenant_of(user),
        actor=actor,
        action="user.deactivate",
        obj=user,
        data={"tokens_revoked": revoked},
    )
    return user


@transaction.atomic
def user_activate(*, user: User, actor: Any) -> User:
    _check_manages(actor, user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(tenant=_tenant_of(user), actor=actor, action="user.activate", obj=user)
    return user


@transaction.atomic
def user_unlock(*, user: User, actor: Any) -> User:
    _check_manages(actor, user)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(tenant=_tenant_of(user), actor=actor, action="user.unlock", obj=user)
    return user


@transaction.atomic
def user_password_changed(*, user: User) -> None:
    """After the user set a password of their own: the admin's temporary one is gone."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
    if user.tenant is not None:
        with tenant_scope(user.tenant):
            audit_record(
                tenant=user.tenant, actor=user, action="auth.password_change", obj=user
            )


# --- sign-in and lockout ------------------------------------------------------------


def login_verify(*, login: str, password: str) -> User:
    """The user that ``login`` (username or NIP) and ``password`` sign in as.

    Raises ``AccountLocked`` while the account is locked (whatever the password) and
    ``AuthenticationFailed`` otherwise. Failures are counted in the database, so the
    lockout holds across processes; the failure that reaches
    ``WARKAT_LOCKOUT_FAILURES`` locks the account for ``WARKAT_LOCKOUT_MINUTES``.
    """
    candidates = selectors.login_candidates(login=login)
    if not candidates:
        User().set_password(password)  # the same work as a real check (timing)
        raise errors.invalid_credentials()
    now = timezone.now()
    locked: User | None = None
    for user in candidates:
        if user.locked_until and user.locked_until > now:
            locked = user
            continue
        if user.check_password(password):
            if not user.is_active:
                raise errors.invalid_credentials()
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(
                    failed_logins=0, locked_until=None
                )
                user.failed_logins, user.locked_until = 0, None
            return user
    if locked is not None:
        raise errors.AccountLocked(locked.locked_until or now, locked.tenant)
    lock_error: errors.AccountLocked | None = None
    for user in candidates:
        until = login_failure_record(user=user, login=login)
        if until is not None:
            lock_error = errors.AccountLocked(until, user.tenant)
    if lock_error is not None:
        raise lock_error
    raise errors.invalid_credentials()


@transaction.atomic
def login_failure_record(*, user: User, login: str) -> dt.datetime | None:
    """Count a failed sign-in of ``user``; returns the lock end if this locked it."""
    row = User.objects.select_for_update().get(pk=user.pk)
    row.failed_logins += 1
    until = None
    if row.failed_logins >= settings.WARKAT_LOCKOUT_FAILURES:
        until = timezone.now() + dt.timedelta(minutes=settings.WARKAT_LOCKOUT_MINUTES)
        row.locked_until = until
        row.failed_logins = 0
    row.save(update_fields=["failed_logins", "locked_until"])
    if row.tenant is not None:
        with tenant_scope(row.tenant):
            audit_record(
                tenant=row.tenant,
                actor=None,
                action="auth.login_failed",
                obj=row,
                data={"login": login[:60]},
            )
            if until is not None:
                audit_record(
                    tenant=row.tenant,
                    actor=None,
                    action="auth.lockout",
                    obj=row,
                    data={"until": until.isoformat()},
                )
    return until


def auth_event_record(
    *, user: Any, action: str, data: dict[str, Any] | None = None
) -> None:
    """An audit event about ``user``'s own session (sign-in, sign-out, MFA)."""
    tenant = getattr(user, "tenant", None)
    if tenant is None:
        return
    with transaction.atomic(), tenant_scope(tenant):
        audit_record(tenant=tenant, actor=user, action=action, obj=user, data=data)


# --- API tokens -----------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str = "",
    ttl_days: int = 30,
    scopes: Iterable[str] | None = None,
) -> tuple[ApiToken, str]:
    """A bearer token for ``user``; only its SHA-256 is stored, the raw value is
    returned once. ``scopes`` narrows it to those API scopes (None: every scope;
    the user's roles still decide inside each route)."""
    if not 1 <= ttl_days <= 365:
        raise errors.token_ttl_invalid()
    narrowed = None if scopes is None else sorted(set(scopes))
    for scope in narrowed or []:
        if scope not in SCOPES:
            raise errors.token_scope_unknown(scope)
    if narrowed == []:
        raise errors.token_scopes_empty()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        tenant=user.tenant,
        user=user,
        key_hash=selectors.api_token_hash(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        name=name[:100],
        expires_at=timezone.now() + dt.timedelta(days=ttl_days),
        scopes=narrowed,
    )
    audit_record(
        tenant=_tenant_of(user),
        actor=user,
        action="token.create",
        obj=token,
        data={
            "name": token.name,
            "expires_at": token.expires_at.isoformat(),
            "scopes": narrowed,
        },
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    if actor is not None and actor.pk != token.user_id:
        _check_manages(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            tenant=_tenant_of(token.user), actor=actor, action="token.revoke", obj=token
        )
    return token
