"""Sign-in, sign-out, password and MFA events of allauth/Django become audit events."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from warkat.accounts.middleware import MFA_CHECKED_KEY
from warkat.accounts.services import auth_event_record, user_password_changed


def _via(request: Any) -> str:
    return "api" if getattr(request, "api_token", None) else "web"


@receiver(auth_signals.user_logged_in)
def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        # Check the two-factor requirement afresh for every session.
        request.session.pop(MFA_CHECKED_KEY, None)
    auth_event_record(user=user, action="auth.login", data={"via": _via(request)})


@receiver(auth_signals.user_logged_out)
def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        auth_event_record(user=user, action="auth.logout")


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    user_password_changed(user=user)


@receiver(mfa_signals.authenticator_added)
def on_authenticator_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    auth_event_record(
        user=user, action="mfa.authenticator_add", data={"type": authenticator.type}
    )


@receiver(mfa_signals.authenticator_removed)
def on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    auth_event_record(
        user=user, action="mfa.authenticator_remove", data={"type": authenticator.type}
    )


@receiver(mfa_signals.authenticator_reset)
def on_authenticator_reset(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    auth_event_record(
        user=user, action="mfa.authenticator_reset", data={"type": authenticator.type}
    )


@receiver(mfa_signals.authentication_failed)
def on_mfa_failed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    auth_event_record(
        user=user, action="mfa.code_rejected", data={"type": authenticator.type}
    )
