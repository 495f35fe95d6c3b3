"""``manage.py totp``: the current code of a demo signer, for testers without a phone;
never in production, never for an account with its own authenticator."""

from __future__ import annotations

import io
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from warkat.accounts.models import User
from warkat.demo.accounts import DEMO_TOTP_SECRET, demo_totp_code

pytestmark = pytest.mark.django_db


def _totp(username: str) -> str:
    out = io.StringIO()
    call_command("totp", username, stdout=out)
    return out.getvalue().strip()


def test_prints_the_code_the_demo_signer_signs_in_with(staff: User) -> None:
    TOTP.activate(staff, DEMO_TOTP_SECRET)
    before = demo_totp_code()
    code = _totp("staf.keerom")
    # The current code (a 30-second step may pass meanwhile).
    assert code in {before, demo_totp_code()} and len(code) == 6
    authenticator = Authenticator.objects.get(user=staff, type="totp")
    assert TOTP(authenticator).validate_code(code)


def test_refused_in_production(staff: User) -> None:
    TOTP.activate(staff, DEMO_TOTP_SECRET)
    with override_settings(PRODUCTION=True), pytest.raises(CommandError) as exc:
        _totp("staf.keerom")
    assert "production" in str(exc.value)


def test_refused_for_an_account_with_its_own_secret(staff: User) -> None:
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    with pytest.raises(CommandError) as exc:
        _totp("staf.keerom")
    assert "own authenticator" in str(exc.value)


@pytest.mark.parametrize("username", ["nobody.keerom", "admin.keerom"])
def test_unknown_account_or_no_authenticator(username: str, admin: Any) -> None:
    with pytest.raises(CommandError):
        _totp(username)
