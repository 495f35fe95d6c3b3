"""allauth adapters: no self sign-up, lockout messages, signers keep their TOTP,
MFA secrets sealed at rest."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from warkat.accounts import errors, selectors
from warkat.accounts.backends import AUTH_ERROR_ATTR
from warkat.core.secrets import open_text, seal_text


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the tenant admin: no self sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # A locked account says so, before allauth's own rate limit answers with a
        # vaguer message.
        login = credentials.get("username") or ""
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
