"""Errors of sign-in, user administration and API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from warkat.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from warkat.tenancy.clock import tenant_localtime
from warkat.tenancy.models import Tenant


class AuthenticationFailed(DomainError):
    status_code = 401


class AccountLocked(PermissionDenied):
    """Signing in is refused until ``until``, whatever the password."""

    def __init__(self, until: dt.datetime, tenant: Tenant | None = None) -> None:
        self.until = until
        super().__init__(
            "auth.locked",
            _(
                "This account is locked after too many failed sign-ins. "
                "Try again after %(until)s or ask your administrator to unlock it."
            ),
            params={"until": _until_text(until, tenant)},
        )


def _until_text(until: dt.datetime, tenant: Tenant | None) -> str:
    # Sign-in runs before any tenant is known (no zone activated): say the time on
    # the user's Pemda clock, with its label, not the server's UTC.
    if tenant is None:
        return formats.date_format(timezone.localtime(until), "DATETIME_FORMAT")
    local = tenant_localtime(tenant, until)
    text = formats.date_format(local, "DATETIME_FORMAT")
    return f"{text} {tenant.get_time_zone_display()}"


def invalid_credentials() -> AuthenticationFailed:
    return AuthenticationFailed(
        "auth.invalid_credentials", _("The username/NIP or password is not correct.")
    )


def otp_required() -> AuthenticationFailed:
    return AuthenticationFailed(
        "auth.otp_required",
        _("This account uses two-factor authentication: give the authenticator code."),
        field="otp",
    )


def otp_invalid() -> AuthenticationFailed:
    return AuthenticationFailed(
        "auth.otp_invalid", _("The authenticator code is not correct."), field="otp"
    )


def token_invalid() -> AuthenticationFailed:
    return AuthenticationFailed(
        "auth.token_invalid", _("The API token is not valid, expired or revoked.")
    )


def username_invalid() -> ValidationError:
    return ValidationError(
        "user.username_invalid",
        _(
            "A username has 3 to 60 characters: lower-case letters, digits, dots, "
            "hyphens and underscores, starting with a letter or digit."
        ),
        field="username",
    )


def username_digits_not_nip() -> ValidationError:
    return ValidationError(
        "user.username_digits",
        _("A username made only of digits must be the person's own NIP."),
        field="username",
    )


def username_taken(username: str) -> Conflict:
    return Conflict(
        "user.username_taken",
        _("The username %(username)s is already taken."),
        field="username",
        params={"username": username},
    )


def person_has_user(person: str) -> Conflict:
    return Conflict(
        "user.person_has_user",
        _("%(person)s already has a user ID."),
        field="person",
        params={"person": person},
    )


def person_other_tenant() -> ValidationError:
    return ValidationError(
        "user.person_other_tenant",
        _("The person does not belong to this regional government."),
        field="person",
    )


def password_invalid(messages: list[str]) -> ValidationError:
    return ValidationError(
        "user.password_invalid",
        _("The password is not acceptable: %(reasons)s"),
        field="password",
        params={"reasons": " ".join(messages)},
    )


def password_is_demo() -> ValidationError:
    return ValidationError(
        "user.password_demo",
        _("The demo password cannot be used in production."),
        field="password",
    )


def role_invalid(role: str) -> ValidationError:
    return ValidationError(
        "user.role_invalid",
        _("Unknown role %(role)s."),
        field="roles",
        params={"role": role},
    )


def role_needs_unit(role: str) -> ValidationError:
    return ValidationError(
        "user.role_needs_unit",
        _("The role %(role)s needs a unit."),
        field="roles",
        params={"role": role},
    )


def role_takes_no_unit(role: str) -> ValidationError:
    return ValidationError(
        "user.role_takes_no_unit",
        _("The role %(role)s is not bound to a unit."),
        field="roles",
        params={"role": role},
    )


def unit_not_found() -> ValidationError:
    return ValidationError(
        "user.unit_not_found", _("The unit does not exist."), field="roles"
    )


def role_not_grantable(role: str) -> PermissionDenied:
    return PermissionDenied(
        "user.role_not_grantable",
        _("You may not grant the role %(role)s."),
        field="roles",
        params={"role": role},
    )


def user_not_found() -> NotFound:
    return NotFound("user.not_found", _("User not found."))


def not_own_account() -> PermissionDenied:
    return PermissionDenied(
        "user.self_action", _("You cannot do this to your own account.")
    )


def token_scope_unknown(name: str) -> ValidationError:
    return ValidationError(
        "token.scope_unknown",
        _("Unknown scope: %(scope)s."),
        field="scopes",
        params={"scope": name},
    )


def token_scopes_empty() -> ValidationError:
    return ValidationError(
        "token.scopes_empty",
        _("Name at least one scope, or leave the scopes out for every scope."),
        field="scopes",
    )


def token_ttl_invalid() -> ValidationError:
    return ValidationError(
        "token.ttl_invalid",
        _("A token lives between 1 and 365 days."),
        field="ttl_days",
    )


# --- tokens refused at the door, service accounts ------------------------------------


class RateLimited(DomainError):
    """Too many requests in this minute; ``retry_after`` (seconds) goes into the
    ``Retry-After`` header."""

    status_code = 429

    def __init__(
        self, retry_after: int, code: str = "auth.rate_limited", message: Any = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(
            code,
            message
            or _(
                "Too many requests for this service account. "
                "Try again in %(seconds)s seconds."
            ),
            params={"seconds": retry_after},
        )


def signin_throttled(retry_after: int) -> RateLimited:
    """Too many sign-in attempts for one account, or from one address."""
    return RateLimited(
        retry_after,
        "auth.signin_throttled",
        _("Too many sign-in attempts. Try again in %(seconds)s seconds."),
    )


def token_revoked() -> AuthenticationFailed:
    return AuthenticationFailed(
        "auth.token_revoked", _("This API token has been revoked.")
    )


def token_expired() -> AuthenticationFailed:
    return AuthenticationFailed("auth.token_expired", _("This API token has expired."))


def token_rotated_out() -> AuthenticationFailed:
    return AuthenticationFailed(
        "auth.token_rotated_out",
        _("This API token was replaced and its grace period is over."),
    )


def ip_not_allowed(ip: str | None) -> PermissionDenied:
    return PermissionDenied(
        "auth.ip_not_allowed",
        _("This token may not be used from address %(ip)s."),
        params={"ip": ip or "-"},
    )


def service_account_name_taken() -> Conflict:
    return Conflict(
        "service_account.name_taken",
        _("A service account with this name already exists."),
        field="name",
    )


def service_account_scope_unknown(name: str) -> ValidationError:
    return ValidationError(
        "service_account.scope_unknown",
        _("Unknown scope: %(scope)s."),
        field="scopes",
        params={"scope": name},
    )


def service_account_cidr_invalid(value: str) -> ValidationError:
    return ValidationError(
        "service_account.cidr_invalid",
        _("Not an address or network (CIDR): %(value)s."),
        field="ip_allowlist",
        params={"value": value},
    )


def service_account_role_invalid() -> ValidationError:
    return ValidationError(
        "service_account.role_invalid",
        _(
            "A service account may hold only the records clerk (with a unit), "
            "personnel office or attendance machine roles."
        ),
        field="roles",
    )


def service_account_rate_invalid() -> ValidationError:
    return ValidationError(
        "service_account.rate_invalid",
        _("The rate limit is between 1 and 100000 requests per minute."),
        field="rate_limit_per_minute",
    )


def service_account_grace_invalid() -> ValidationError:
    return ValidationError(
        "service_account.grace_invalid",
        _("The grace period is between 0 and 30 days."),
        field="grace_hours",
    )


def service_account_not_found() -> NotFound:
    return NotFound("service_account.not_found", _("Service account not found."))
