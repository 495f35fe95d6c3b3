"""allauth adapters: no self sign-up, lockout messages, signers keep their TOTP,
MFA secrets sealed at rest."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from warkat.accounts import errors, selectors, throttle
from warkat.accounts.backends import AUTH_ERROR_ATTR
from warkat.core.secrets import open_text, seal_text

#: Where ``pre_authenticate`` leaves the seconds to wait when it refused a sign-in.
THROTTLED_ATTR = "warkat_signin_retry_after"


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the tenant admin: no self sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login = credentials.get("username") or ""
        try:
            throttle.signin_take(request, login)
        except errors.RateLimited as exc:
            # The form says why; the login view answers 429 with Retry-After.
            setattr(request, THROTTLED_ATTR, exc.retry_after)
            raise forms.ValidationError(exc.text(), code="throttled") from exc
        # A locked account says so, before allauth's own rate limit answers with a
        # vaguer message.
        for user in selectors.login_candidates(login=login):
            if selectors.user_is_locked(user) and user.locked_until:
                raise forms.ValidationError(
                    errors.AccountLocked(user.locked_until, user.tenant).text(),
                    code="locked",
                )
        super().pre_authenticate(request, **credentials)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        failure = getattr(request, AUTH_ERROR_ATTR, None)
        if user is None and isinstance(failure, errors.AccountLocked):
            raise forms.ValidationError(failure.text(), code="locked")
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        throttle.signin_failed(request)

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        # After the forced change of a temporary password, go on to the app.
        return reverse("home")

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # A signer sent to set up TOTP right after signing in with the password is
        # not asked for the password a second time. Changing an existing
        # authenticator still needs a fresh re-authentication.
        request = context.request
        if (
            app == "allauth.mfa"
            and request is not None
            and request.user.is_authenticated
            and not selectors.user_has_totp(user=request.user)
            and _signed_in_with_password_recently(request)
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def clean_password(self, password: str, user: Any = None) -> str:
        if settings.PRODUCTION and password == settings.WARKAT_DEMO_PASSWORD:
            raise forms.ValidationError(errors.password_is_demo().text())
        return super().clean_password(password, user=user)


def _signed_in_with_password_recently(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)  # type: ignore[arg-type]
    times = [r.get("at", 0) for r in records if r.get("method") == "password"]
    return bool(times) and (
        time.time() - max(times) < account_settings.REAUTHENTICATION_TIMEOUT
    )


#: Label bound to every sealed MFA secret (TOTP keys, recovery-code seeds).
MFA_SECRET_LABEL = "mfa-secret"


class MfaAdapter(DefaultMFAAdapter):
    # TOTP keys and recovery-code seeds are sealed with the installation key, so a
    # copy of the database alone does not let anyone produce a signer's codes.
    def encrypt(self, text: str) -> str:
        return seal_text(text, label=MFA_SECRET_LABEL)

    def decrypt(self, encrypted_text: str) -> str:
        return open_text(encrypted_text, label=MFA_SECRET_LABEL)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Whoever signs letters must keep their authenticator app.
        if authenticator.type == Authenticator.Type.TOTP and selectors.user_is_signer(
            user=authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)


def totp_mark_used(self: TOTP, code: str) -> bool:
    """Record ``code`` as used by its user; False if it already was (a replay).

    Installed over allauth's ``TOTP._mark_code_used`` (``AccountsConfig.ready``):
    allauth keeps the mark for one period, but with ``MFA_TOTP_TOLERANCE`` steps
    accepted either side a code is valid for ``2 * tolerance + 1`` periods, and
    would be taken a second time once its mark expired."""
    steps = 2 * mfa_settings.TOTP_TOLERANCE + 1
    return cache.add(
        self._get_used_cache_key(code), "y", timeout=steps * mfa_settings.TOTP_PERIOD
    )
