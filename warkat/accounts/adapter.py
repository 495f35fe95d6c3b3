"""allauth adapters: no self sign-up, lockout messages, signers keep their TOTP."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from warkat.accounts import errors, selectors
from warkat.accounts.backends import AUTH_ERROR_ATTR


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
                    errors.AccountLocked(user.locked_until).text(), code="locked"
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

    def clean_password(self, password: str, user: Any = None) -> str:
        if settings.PRODUCTION and password == settings.WARKAT_DEMO_PASSWORD:
            raise forms.ValidationError(errors.password_is_demo().text())
        return super().clean_password(password, user=user)


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Whoever signs letters must keep their authenticator app.
        if authenticator.type == Authenticator.Type.TOTP and selectors.user_is_signer(
            user=authenticator.user
        ):
            return False
        return super().can_delete_authenticator(authenticator)
