"""Reads of users, roles and tokens: sign-in lookup, admin lists, the MFA rule."""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from warkat.accounts import errors
from warkat.accounts.models import ApiToken, Role, ServiceAccount, User, UserRole
from warkat.core.errors import DomainError
from warkat.org.models import Assignment, Unit
from warkat.tenancy.scope import all_tenants, tenant_scope

NIP_LENGTH = 18


def is_nip(login: str) -> bool:
    return login.isdigit() and len(login) == NIP_LENGTH


def login_candidates(*, login: str) -> list[User]:
    """The users a sign-in name may mean: one by username, or by NIP.

    A NIP is unique within a tenant only; a person moved between two Pemda may have
    a user in each, and the password decides which one signs in.
    """
    login = (login or "").strip()
    if not login:
        return []
    if is_nip(login):
        # People are tenant-owned and sign-in happens before a tenant is known.
        with all_tenants():
            by_nip = list(
                User.objects.filter(person__nip=login).select_related("tenant")[:5]
            )
        if by_nip:
            return by_nip
    # Service accounts have no password: they never sign in (only their tokens work).
    return list(
        User.objects.filter(
            username__iexact=login, service_account__isnull=True
        ).select_related("tenant")
    )


def user_has_totp(*, user: Any) -> bool:
    return Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).exists()


def user_is_signer(*, user: Any) -> bool:
    """Whether ``user`` will sign letters: role pimpinan, or holding a head position
    (definitif, Plt or Plh) today."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.PIMPINAN):
        return True
    if user.person_id is None or user.tenant_id is None:
        return False
    with tenant_scope(user.tenant):
        today = timezone.localdate()
        return (
            Assignment.objects.filter(
                person_id=user.person_id,
                position__is_head=True,
                start_date__lte=today,
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .exists()
        )


def user_requires_mfa(*, user: Any) -> bool:
    """Signers must have TOTP before they use the app."""
    return user_is_signer(user=user) and not user_has_totp(user=user)


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_resolve(*, raw: str) -> ApiToken | None:
    """The live token for a raw bearer value: known hash, not expired or revoked,
    its user active."""
    token, refusal = api_token_check(raw=raw)
    return token if refusal is None else None


def api_token_check(*, raw: str) -> tuple[ApiToken | None, DomainError | None]:
    """The token for a raw bearer value and, when it may not be used, why.

    An unknown value gives (None, None): the request stays anonymous. A known token
    that is revoked, expired (or rotated out after its grace period), whose user or
    service account is disabled, or whose tenant does not match, gives the token
    and the error to answer with."""
    if not raw or len(raw) > 200:
        return None, None
    # Tokens are tenant-owned and resolved before the request's tenant is known.
    with all_tenants():
        token = (
            ApiToken.objects.select_related(
                "user", "user__tenant", "user__service_account"
            )
            .filter(key_hash=api_token_hash(raw))
            .first()
        )
    if token is None:
        return None, None
    account = service_account_of(token)
    if token.revoked_at is not None or (
        account is not None and account.disabled_at is not None
    ):
        return token, errors.token_revoked()
    if token.expires_at <= timezone.now():
        if token.rotated_at is not None:
            return token, errors.token_rotated_out()
        return token, errors.token_expired()
    if not token.user.is_active:
        return token, errors.token_revoked()
    if token.user.tenant_id != token.tenant_id or (
        account is not None and account.tenant_id != token.tenant_id
    ):
        return token, errors.token_revoked()
    return token, None


def service_account_of(token: ApiToken) -> ServiceAccount | None:
    try:
        return token.user.service_account
    except ServiceAccount.DoesNotExist:
        return None


def api_token_scopes(token: ApiToken) -> frozenset[str] | None:
    """What the token may reach: its service account's scopes (narrowed to the
    token's own when it has some), the scopes a personal token was narrowed to, or
    None (every scope) for a personal token."""
    account = service_account_of(token)
    if account is not None:
        allowed = frozenset(account.scopes)
        return allowed if token.scopes is None else allowed & frozenset(token.scopes)
    if token.scopes is None:
        return None
    return frozenset(token.scopes)


def ip_allowed(*, ip: str | None, allowlist: list[str]) -> bool:
    """Whether ``ip`` falls in one of the CIDRs; an empty list allows every address."""
    if not allowlist:
        return True
    if ip is None:
        return False
    address = ipaddress.ip_address(ip)
    return any(
        address in ipaddress.ip_network(cidr, strict=False) for cidr in allowlist
    )


def service_accounts(*, tenant: Any) -> QuerySet[ServiceAccount]:
    """The tenant's service accounts with their tokens (newest first) and roles;
    evaluate inside the tenant's scope."""
    return (
        ServiceAccount.objects.filter(tenant=tenant)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__api_tokens",
                queryset=ApiToken.objects.with_scopes_disabled().order_by(
                    "-created_at"
                ),
            ),
            Prefetch(
                "user__roles",
                queryset=UserRole.objects.with_scopes_disabled().select_related("unit"),
            ),
        )
        .order_by("name")
    )


# --- administration --------------------------------------------------------------


def admin_unit_paths(*, actor: Any) -> list[str] | None:
    """Unit subtrees ``actor`` administers: None means the whole tenant
    (tenant admin); an empty list means none."""
    if actor.has_role(Role.TENANT_ADMIN):
        return None
    return list(
        Unit.objects.filter(
            pk__in=UserRole.objects.filter(
                user=actor, role=Role.UNIT_ADMIN, unit__isnull=False
            ).values("unit_id")
        ).values_list("path", flat=True)
    )


def _in_subtrees(paths: list[str], prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def unit_in_admin_scope(*, actor: Any, unit: Unit) -> bool:
    paths = admin_unit_paths(actor=actor)
    return paths is None or any(unit.path.startswith(p) for p in paths)


def users_visible(*, actor: Any) -> QuerySet[User]:
    """Users of ``actor``'s tenant that ``actor`` may administer.

    Tenant admins see every user of the tenant; a unit admin sees the users whose
    person holds a position today in one of the units they administer.
    """
    if actor.tenant_id is None or not actor.has_role(
        Role.TENANT_ADMIN, Role.UNIT_ADMIN
    ):
        return User.objects.none()
    # Service accounts are machines, administered on their own pages.
    qs = User.objects.filter(tenant_id=actor.tenant_id, service_account__isnull=True)
    paths = admin_unit_paths(actor=actor)
    if paths is None:
        return qs
    today = timezone.localdate()
    in_units = (
        Assignment.objects.filter(
            _in_subtrees(paths, "position__unit__"),
            person_id=OuterRef("person_id"),
            start_date__lte=today,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values("pk")
    )
    return qs.filter(Exists(in_units))


def user_list(
    *,
    actor: Any,
    q: str = "",
    role: str = "",
    locked: bool | None = None,
) -> QuerySet[User]:
    """The admin list of users: search by username, NIP or name; filter by role and
    lock state. Roles and persons come in a fixed number of queries."""
    qs = users_visible(actor=actor)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(person__nip__startswith=q)
            | Q(person__full_name__icontains=q)
        )
    if role:
        qs = qs.filter(
            Exists(UserRole.objects.filter(user_id=OuterRef("pk"), role=role))
        )
    now = timezone.now()
    if locked is True:
        qs = qs.filter(locked_until__gt=now)
    elif locked is False:
        qs = qs.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
    return (
        qs.select_related("person")
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=UserRole.objects.select_related("unit").order_by("role"),
            )
        )
        .order_by("username")
    )


def user_get_for_admin(*, actor: Any, user_id: int) -> User:
    """A user ``actor`` may administer, or NotFound (also for other tenants)."""
    user = (
        users_visible(actor=actor)
        .select_related("person", "tenant")
        .filter(pk=user_id)
        .first()
    )
    if user is None:
        raise errors.user_not_found()
    return user


def user_roles(*, user: User) -> list[UserRole]:
    return list(
        UserRole.objects.with_scopes_disabled()
        .filter(user=user)
        .select_related("unit")
        .order_by("role", "unit__code")
    )


def user_is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


def people_without_user(*, actor: Any, q: str, limit: int = 20) -> list[Any]:
    """People ``actor`` may create a user for, matching ``q`` (name or NIP)."""
    from warkat.org.models import Person

    q = q.strip()
    if not q or actor.tenant_id is None:
        return []
    qs = Person.objects.filter(is_active=True, user__isnull=True).filter(
        Q(full_name__icontains=q) | Q(nip__startswith=q)
    )
    paths = admin_unit_paths(actor=actor)
    if paths is not None:
        today = timezone.localdate()
        qs = qs.filter(
            Exists(
                Assignment.objects.filter(
                    _in_subtrees(paths, "position__unit__"),
                    person_id=OuterRef("pk"),
                    start_date__lte=today,
                ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            )
        )
    return list(qs.order_by("full_name", "pk")[:limit])


def units_for_roles(*, actor: Any) -> QuerySet[Unit]:
    """Units ``actor`` may bind a role to."""
    qs = Unit.objects.filter(is_active=True)
    paths = admin_unit_paths(actor=actor)
    if paths is not None:
        qs = qs.filter(_in_subtrees(paths))
    return qs.order_by("path")


def accounts_of_people(*, tenant: Any) -> QuerySet[User, tuple[Any, ...]]:
    """(person id, last sign-in) of the tenant's active accounts linked to a person:
    the adoption figures count accounts and their use, never who they are."""
    return (
        User.objects.filter(tenant=tenant, is_active=True, person__isnull=False)
        .order_by()
        .values_list("person_id", "last_login")
    )


def role_person_ids(*, tenant_id: int, role: str) -> set[int]:
    """The people whose accounts hold ``role`` in the tenant (e.g. everyone in the
    personnel office, to notify them)."""
    return set(
        User.objects.filter(
            tenant_id=tenant_id,
            is_active=True,
            person__isnull=False,
            roles__role=role,
        ).values_list("person_id", flat=True)
    )


def service_account_get(*, tenant: Any, account_id: int) -> ServiceAccount:
    """One service account of ``tenant`` (404 for another tenant's)."""
    account = service_accounts(tenant=tenant).filter(pk=account_id).first()
    if account is None:
        raise errors.service_account_not_found()
    return account


# --- SQL for callers that resolve a token in the same statement as their work ----------
def token_tenant_sql(token_hash: str) -> str:
    """SQL of the tenant id (text) of the token whose hash is the placeholder
    ``token_hash``; to be run with the tenant setting ``all`` (tokens are resolved
    before the tenant is known, as ``api_token_check`` does)."""
    return f"SELECT t.tenant_id::text FROM accounts_apitoken t WHERE t.key_hash = {token_hash}"


def token_user_sql(token_hash: str, now: str) -> str:
    """SQL of one row for the token whose hash is ``token_hash``, read under its own
    tenant: what ``api_token_check`` and ``api_token_scopes`` decide on (token id,
    tenant, expiry, revocation, scopes, last use; its user's id, tenant, activity
    and person; whether it is a service account's) and the tenant's time zone and
    day at ``now`` (both placeholders)."""
    return f"""
    SELECT t.id AS token_id, t.tenant_id, t.expires_at, t.revoked_at, t.scopes,
           t.last_used_at, u.id AS user_id, u.is_active, u.tenant_id AS user_tenant,
           u.person_id,
           EXISTS (SELECT 1 FROM accounts_serviceaccount sa
                   WHERE sa.user_id = u.id) AS machine,
           tn.time_zone, ({now}::timestamptz AT TIME ZONE tn.time_zone)::date AS day
      FROM accounts_apitoken t
      JOIN accounts_user u ON u.id = t.user_id
      JOIN tenancy_tenant tn ON tn.id = t.tenant_id
     WHERE t.key_hash = {token_hash}"""
