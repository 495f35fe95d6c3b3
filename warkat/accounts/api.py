"""HTTP API of accounts: bearer tokens, the current user, and user administration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from warkat.accounts import errors, selectors, services, throttle
from warkat.accounts.models import Role, User, UserRole
from warkat.accounts.permissions import USER_ADMINS, require_role
from warkat.api.base import ERROR_RESPONSES, PUBLIC, Id, scope
from warkat.core.errors import DomainError, NotFound, PermissionDenied
from warkat.org.models import Person, Unit
from warkat.tenancy.scope import tenant_scope

router = Router(tags=["auth"])
users_router = Router(tags=["users"])

ADMINS = USER_ADMINS


# --- schemas --------------------------------------------------------------------------


class UserTenantOut(Schema):
    id: int
    name: str
    slug: str
    time_zone: str


class UserPersonOut(Schema):
    id: int
    name: str
    nip: str | None


class RoleOut(Schema):
    role: str
    unit_id: int | None = None
    unit_code: str | None = None


class PositionHeldOut(Schema):
    position_id: int
    position: str
    unit_id: int
    unit: str
    kind: str
    capacity: str
    end_date: dt.date | None


class UserOut(Schema):
    id: int
    username: str
    email: str
    is_active: bool
    locked_until: dt.datetime | None
    must_change_password: bool
    last_login: dt.datetime | None
    person: UserPersonOut | None
    roles: list[RoleOut]


class MeOut(UserOut):
    tenant: UserTenantOut
    mfa_enabled: bool
    is_signer: bool
    positions: list[PositionHeldOut]


class TokenIn(Schema):
    login: str = Field(..., max_length=150, description="Username or NIP")
    password: str = Field(..., max_length=256)
    otp: str | None = Field(None, max_length=20, description="Authenticator code")
    name: str = Field("", max_length=100, description="What the token is for")
    ttl_days: int = Field(30, ge=1, le=365)
    scopes: list[str] | None = Field(
        None,
        max_length=50,
        description="API scopes the token is narrowed to (a subset of the scopes; "
        "omitted: every scope, the account's roles still decide)",
    )


class TokenOut(Schema):
    token: str
    prefix: str
    expires_at: dt.datetime
    scopes: list[str] | None = Field(None, description="None: every scope")
    user: UserOut


class RoleIn(Schema):
    role: str
    unit_id: Id | None = None


class UserCreateIn(Schema):
    username: str = Field(..., max_length=60)
    person_id: Id | None = None
    email: str = Field("", max_length=254)
    roles: list[RoleIn] = []


class RolesIn(Schema):
    roles: list[RoleIn]


class UserCreatedOut(Schema):
    user: UserOut
    password: str


class PasswordOut(Schema):
    password: str


class UserPageOut(Schema):
    count: int
    items: list[UserOut]


class UserFilter(Schema):
    q: str = Field("", max_length=100)
    role: str = Field("", max_length=20)
    locked: bool | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


# --- conversions -------------------------------------------------------------------------


def _roles_out(roles: list[UserRole]) -> list[RoleOut]:
    return [
        RoleOut(
            role=r.role,
            unit_id=r.unit_id,
            unit_code=r.unit.code if r.unit_id and r.unit else None,
        )
        for r in roles
    ]


def user_out(user: User, roles: list[UserRole] | None = None) -> UserOut:
    if roles is None:
        roles = selectors.user_roles(user=user)
    person = user.person
    return UserOut(
        id=user.pk,
        username=user.username,
        email=user.email,
        is_active=user.is_active,
        locked_until=user.locked_until if selectors.user_is_locked(user) else None,
        must_change_password=user.must_change_password,
        last_login=user.last_login,
        person=(
            UserPersonOut(id=person.pk, name=person.display_name, nip=person.nip)
            if person
            else None
        ),
        roles=_roles_out(roles),
    )


def _role_specs(roles: list[RoleIn]) -> list[tuple[str, Unit | None]]:
    ids = {r.unit_id for r in roles if r.unit_id is not None}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    specs: list[tuple[str, Unit | None]] = []
    for r in roles:
        if r.unit_id is not None and r.unit_id not in units:
            raise errors.unit_not_found()
        specs.append((r.role, units.get(r.unit_id) if r.unit_id else None))
    return specs


# --- auth ---------------------------------------------------------------------------------


def _otp_check(request: HttpRequest, user: User, otp: str | None, login: str) -> None:
    totp = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).first()
    if totp is None:
        return
    if not otp:
        raise errors.otp_required()
    if not TOTP(totp).validate_code(otp.strip()):
        throttle.signin_failed(request)
        until = services.login_failure_record(user=user, login=login)
        if until is not None:
            raise errors.AccountLocked(until, user.tenant)
        raise errors.otp_invalid()


@router.post(
    "/token",
    auth=PUBLIC,
    response={200: TokenOut, **ERROR_RESPONSES},
    summary="Issue a bearer token (username or NIP + password, + TOTP code if set up)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    throttle.signin_take(request, payload.login)
    try:
        user = services.login_verify(login=payload.login, password=payload.password)
    except DomainError:
        throttle.signin_failed(request)
        raise
    if user.tenant is None:
        raise PermissionDenied(
            "auth.no_tenant",
            _("Your account is not part of any regional government."),
        )
    with tenant_scope(user.tenant):
        _otp_check(request, user, payload.otp, payload.login)
        if user.must_change_password:
            raise PermissionDenied(
                "auth.password_change_required",
                _("Sign in on the web first and choose your own password."),
            )
        if settings.WARKAT_MFA_REQUIRED_FOR_SIGNERS and selectors.user_requires_mfa(
            user=user
        ):
            raise PermissionDenied(
                "auth.mfa_setup_required",
                _("Sign in on the web first and set up two-factor authentication."),
            )
        token, raw = services.api_token_create(
            user=user,
            name=payload.name,
            ttl_days=payload.ttl_days,
            scopes=payload.scopes,
        )
        return TokenOut(
            token=raw,
            prefix=token.prefix,
            expires_at=token.expires_at,
            scopes=token.scopes,
            user=user_out(user),
        )


@router.delete(
    "/token",
    response={204: None, **ERROR_RESPONSES},
    summary="Revoke the bearer token of this request",
    auth=scope("profile:write"),
)
def token_revoke(request: HttpRequest) -> Any:
    token = getattr(request, "api_token", None)
    if token is None:
        raise NotFound(
            "auth.no_token", _("This request was not made with an API token.")
        )
    services.api_token_revoke(token=token, actor=request.user)
    return 204, None


@router.get(
    "/me",
    response={200: MeOut, **ERROR_RESPONSES},
    summary="Who am I",
    auth=scope("profile:read"),
)
def me(request: HttpRequest) -> Any:
    from warkat.org.selectors import positions_held

    user: User = request.user  # type: ignore[assignment]
    assignments = (
        list(positions_held(person=user.person)) if user.person is not None else []
    )
    base = user_out(user).dict()
    tenant = user.tenant
    assert tenant is not None
    return MeOut(
        **base,
        tenant=UserTenantOut(
            id=tenant.pk, name=tenant.name, slug=tenant.slug, time_zone=tenant.time_zone
        ),
        mfa_enabled=selectors.user_has_totp(user=user),
        is_signer=selectors.user_is_signer(user=user),
        positions=[
            PositionHeldOut(
                position_id=a.position_id,
                position=a.position.name,
                unit_id=a.position.unit_id,
                unit=a.position.unit.name,
                kind=a.kind,
                capacity=a.capacity_prefix,
                end_date=a.end_date,
            )
            for a in assignments
        ],
    )


# --- users ------------------------------------------------------------------------------


def _managed(request: HttpRequest, user_id: int) -> User:
    require_role(user=request.user, roles=ADMINS)
    return selectors.user_get_for_admin(actor=request.user, user_id=user_id)


@users_router.get(
    "", response={200: UserPageOut, **ERROR_RESPONSES}, auth=scope("users:read")
)
def users_list(request: HttpRequest, filters: Query[UserFilter]) -> Any:
    require_role(user=request.user, roles=ADMINS)
    qs = selectors.user_list(
        actor=request.user,
        q=filters.q,
        role=filters.role if filters.role in Role.values else "",
        locked=filters.locked,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return UserPageOut(
        count=qs.count(),
        items=[user_out(u, list(u.roles.all())) for u in page],
    )


@users_router.get(
    "/{id:user_id}",
    response={200: UserOut, **ERROR_RESPONSES},
    auth=scope("users:read"),
)
def users_detail(request: HttpRequest, user_id: Id) -> Any:
    return user_out(_managed(request, user_id))


@users_router.post(
    "", response={201: UserCreatedOut, **ERROR_RESPONSES}, auth=scope("users:write")
)
def users_create(request: HttpRequest, payload: UserCreateIn) -> Any:
    require_role(user=request.user, roles=ADMINS)
    person = None
    if payload.person_id is not None:
        person = Person.objects.filter(pk=payload.person_id).first()
        if person is None:
            raise DomainError(
                "person.not_found", _("Person not found."), field="person_id"
            )
    user, password = services.user_create(
        tenant=request.tenant,  # type: ignore[attr-defined]
        actor=request.user,
        username=payload.username,
        person=person,
        email=payload.email,
        roles=_role_specs(payload.roles),
    )
    return 201, UserCreatedOut(user=user_out(user), password=password)


@users_router.put(
    "/{id:user_id}/roles",
    response={200: UserOut, **ERROR_RESPONSES},
    auth=scope("users:write"),
)
def users_set_roles(request: HttpRequest, user_id: Id, payload: RolesIn) -> Any:
    user = _managed(request, user_id)
    services.user_set_roles(
        user=user, actor=request.user, roles=_role_specs(payload.roles)
    )
    return user_out(user)


@users_router.post(
    "/{id:user_id}/reset-password",
    response={200: PasswordOut, **ERROR_RESPONSES},
    auth=scope("users:write"),
)
def users_reset_password(request: HttpRequest, user_id: Id) -> Any:
    user = _managed(request, user_id)
    return PasswordOut(
        password=services.user_reset_password(user=user, actor=request.user)
    )


@users_router.post(
    "/{id:user_id}/unlock",
    response={200: UserOut, **ERROR_RESPONSES},
    auth=scope("users:write"),
)
def users_unlock(request: HttpRequest, user_id: Id) -> Any:
    user = _managed(request, user_id)
    return user_out(services.user_unlock(user=user, actor=request.user))


@users_router.post(
    "/{id:user_id}/deactivate",
    response={200: UserOut, **ERROR_RESPONSES},
    auth=scope("users:write"),
)
def users_deactivate(request: HttpRequest, user_id: Id) -> Any:
    user = _managed(request, user_id)
    return user_out(services.user_deactivate(user=user, actor=request.user))
