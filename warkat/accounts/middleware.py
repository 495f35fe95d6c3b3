"""Request middleware of accounts: client address for the audit log, bearer tokens
for the API, and the gate that sends users to change their password or set up TOTP."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from warkat.accounts import errors, selectors
from warkat.accounts.models import ApiToken
from warkat.accounts.services.service_accounts import service_account_rate_take
from warkat.audit.context import client_ip_context
from warkat.core.errors import DomainError

GetResponse = Callable[[HttpRequest], HttpResponse]
#: Session key: the user (pk) whose two-factor requirement was checked this session.
MFA_CHECKED_KEY = "warkat.mfa_checked"
# Writing last_used_at on every call would turn each API read into a write.
_LAST_USED_GRANULARITY = dt.timedelta(minutes=5)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def request_client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or — when it is a trusted proxy — the nearest address in
    X-Forwarded-For that is not one of the trusted proxies."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    trusted = set(getattr(settings, "WARKAT_TRUSTED_PROXIES", []))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote is None or remote not in trusted or not forwarded:
        return remote
    for hop in reversed(forwarded.split(",")):
        ip = _valid_ip(hop)
        if ip is None:
            return remote
        if ip not in trusted:
            return ip
    return remote


class ClientIpMiddleware:
    """Sets the audit log's client address for everything the request does."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_ip_context(request_client_ip(request)):
            return self.get_response(request)


class ApiTokenMiddleware:
    """For ``/api/`` requests with ``Authorization: Bearer <token>``: the token's user
    becomes ``request.user``, the token ``request.api_token`` and what it may reach
    ``request.api_token_scopes`` (None: every scope). A bearer header with an unknown
    token leaves the request anonymous (never falls back to a session); a known token
    that may not be used now (revoked, expired, rotated out, outside its service
    account's address list or over its rate) leaves it anonymous too, with the reason
    in ``request.api_token_error`` for the API's auth to answer with."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_token = None  # type: ignore[attr-defined]
        request.api_token_scopes = None  # type: ignore[attr-defined]
        request.api_token_error = None  # type: ignore[attr-defined]
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if request.path.startswith("/api/") and header[:7].lower() == "bearer ":
            token, refusal = selectors.api_token_check(raw=header[7:].strip())
            if token is not None and refusal is None:
                refusal = self._gate(request, token)
            if token is None or refusal is not None:
                request.user = AnonymousUser()
                request.api_token_error = refusal  # type: ignore[attr-defined]
            else:
                request.user = token.user
                request.api_token = token  # type: ignore[attr-defined]
                request.api_token_scopes = selectors.api_token_scopes(token)  # type: ignore[attr-defined]
                self._touch(token)
        return self.get_response(request)

    @staticmethod
    def _gate(request: HttpRequest, token: ApiToken) -> DomainError | None:
        """A service account's address list, then its rate limit."""
        account = selectors.service_account_of(token)
        if account is None:
            return None
        ip = request_client_ip(request)
        if not selectors.ip_allowed(ip=ip, allowlist=account.ip_allowlist):
            return errors.ip_not_allowed(ip)
        retry_after = service_account_rate_take(account=account)
        if retry_after is not None:
            return errors.RateLimited(retry_after)
        return None

    @staticmethod
    def _touch(token: ApiToken) -> None:
        now = timezone.now()
        if (
            token.last_used_at is None
            or now - token.last_used_at > _LAST_USED_GRANULARITY
        ):
            ApiToken.objects.with_scopes_disabled().filter(pk=token.pk).update(
                last_used_at=now
            )
            token.last_used_at = now


class AccountGateMiddleware:
    """Signed-in users with a temporary password change it first; signers without
    TOTP set it up first (``WARKAT_MFA_REQUIRED_FOR_SIGNERS``)."""

    #: Paths usable before passing the gate: sign-in/out, password and MFA pages,
    #: static files, language switch, health check. The API answers for itself.
    OPEN_PREFIXES = ("/akun/", "/static/", "/i18n/", "/healthz", "/api/")

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or getattr(request, "api_token", None) is not None
            or request.path.startswith(self.OPEN_PREFIXES)
        ):
            return self.get_response(request)
        if user.must_change_password:
            messages.info(request, _("Choose your own password before you continue."))
            return redirect(f"{reverse('account_change_password')}?next={request.path}")
        session = request.session
        if (
            settings.WARKAT_MFA_REQUIRED_FOR_SIGNERS
            and session.get(MFA_CHECKED_KEY) != user.pk
        ):
            if selectors.user_requires_mfa(user=user):
                messages.warning(
                    request,
                    _(
                        "You sign letters: set up two-factor authentication "
                        "before you continue."
                    ),
                )
                return redirect("mfa_activate_totp")
            session[MFA_CHECKED_KEY] = user.pk
        return self.get_response(request)
