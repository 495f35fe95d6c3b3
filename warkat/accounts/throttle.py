"""How often anyone may try to sign in (web form and API token endpoint).

A Pemda office reaches the app through one NAT address, and at eight o'clock its
whole staff signs in from it: a limit per address that a morning can reach locks
out the office. So attempts are counted per account (``WARKAT_SIGNIN_PER_ACCOUNT``
a minute: a person signs in a few times a minute at most) and, with a ceiling far
above a whole office's morning rush, per client address
(``WARKAT_SIGNIN_PER_ADDRESS``); failed attempts per address have a ceiling of
their own (``WARKAT_SIGNIN_FAILURES_PER_ADDRESS``: one password tried on many
accounts). Guessing one account's password or authenticator code is stopped by
the lockout (``WARKAT_LOCKOUT_*``, counted in the database) and allauth's failed
attempts per account (``ACCOUNT_RATE_LIMITS['login_failed']``).

Counted in one-minute windows of the shared cache (``core.throttle``), so every app
host counts against the same limits; no lock is shared by all the sign-ins of an
address (allauth's own per-address limit took one, and refused sign-ins with 429
whenever the lock was not free within a second).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from warkat.accounts import errors
from warkat.accounts.middleware import request_client_ip
from warkat.core.throttle import window_count, window_take


def _address(request: HttpRequest | None) -> str:
    return (request_client_ip(request) if request is not None else None) or "unknown"


def signin_take(request: HttpRequest | None, login: str) -> None:
    """Count a sign-in attempt as ``login`` from the request's address; raises
    ``RateLimited`` (429, with the seconds to wait) over a limit."""
    address = _address(request)
    at_address, left = window_take("signin-address", address)
    failed, failed_left = window_count("signin-failed", address)
    of_account, account_left = window_take("signin-account", login.strip().lower())
    if at_address > settings.WARKAT_SIGNIN_PER_ADDRESS:
        raise errors.signin_throttled(left)
    if failed >= settings.WARKAT_SIGNIN_FAILURES_PER_ADDRESS:
        raise errors.signin_throttled(failed_left)
    if of_account > settings.WARKAT_SIGNIN_PER_ACCOUNT:
        raise errors.signin_throttled(account_left)


def signin_failed(request: HttpRequest | None) -> None:
    """Count a failed sign-in (wrong password or code) from the request's address."""
    window_take("signin-failed", _address(request))
