"""The sign-in throttle: per account, per address with a far higher ceiling (an office
behind one NAT address), failed attempts per address; and the authenticator's
one-step grace with its replay protection."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from warkat.accounts.models import User
from warkat.accounts.tests.conftest import PASSWORD, make_user
from warkat.accounts.tests.test_login import LOGIN, SECRET, post_login

NAT = "203.0.113.7"


@pytest.fixture
def office(tenant: Any) -> list[User]:
    """Three staff of one office."""
    return [make_user(tenant, f"staf{i}.keerom", "staf") for i in range(3)]


def sign_in(login: str, password: str = PASSWORD, address: str = NAT) -> Any:
    return Client(REMOTE_ADDR=address).post(
        LOGIN, {"login": login, "password": password}
    )


@override_settings(WARKAT_SIGNIN_PER_ACCOUNT=2, WARKAT_SIGNIN_PER_ADDRESS=100)
def test_one_account_is_throttled_not_the_office(office: list[User]) -> None:
    assert sign_in("staf0.keerom", "wrong-password-1").status_code == 200
    assert sign_in("staf0.keerom", "wrong-password-2").status_code == 200
    refused = sign_in("staf0.keerom")  # even with the right password
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Terlalu banyak percobaan masuk" in refused.content.decode()
    # The rest of the office, behind the same address, signs in.
    assert sign_in("staf1.keerom").status_code == 302
    assert sign_in("STAF2.keerom").status_code == 302
    # A minute later the account may try again.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert sign_in("staf0.keerom").status_code == 302


@override_settings(WARKAT_SIGNIN_PER_ADDRESS=3)
def test_the_address_ceiling(office: list[User]) -> None:
    for user in office:
        assert sign_in(user.username).status_code == 302
    assert sign_in("staf0.keerom").status_code == 429
    # Another address is not held back.
    assert sign_in("staf0.keerom", address="198.51.100.9").status_code == 302


@override_settings(WARKAT_SIGNIN_FAILURES_PER_ADDRESS=2)
def test_failed_attempts_per_address(office: list[User]) -> None:
    # One password tried on several accounts from one address.
    assert sign_in("staf0.keerom", "Musim-Hujan-2026").status_code == 200
    assert sign_in("staf1.keerom", "Musim-Hujan-2026").status_code == 200
    assert sign_in("staf2.keerom").status_code == 429
    assert sign_in("staf2.keerom", address="198.51.100.9").status_code == 302


@override_settings(WARKAT_SIGNIN_PER_ACCOUNT=20)
def test_a_morning_from_one_address_is_not_refused(office: list[User]) -> None:
    # More sign-ins from one address than allauth's defaults allowed (30 a minute,
    # 10 failed): typos first (4 per account, under the lockout), then all in.
    for i in range(36):
        password = "wrong-password-1" if i < 12 else PASSWORD
        expected = 200 if i < 12 else 302
        assert sign_in(office[i % 3].username, password).status_code == expected


@override_settings(WARKAT_SIGNIN_PER_ACCOUNT=1)
def test_the_api_token_endpoint_is_throttled(
    client: Client, office: list[User]
) -> None:
    body = {"login": "staf0.keerom", "password": "wrong-password-1"}
    assert (
        client.post("/api/v1/auth/token", body, "application/json").status_code == 401
    )
    refused = client.post("/api/v1/auth/token", body, "application/json")
    assert refused.status_code == 429
    assert refused.json()["code"] == "auth.signin_throttled"
    assert int(refused["Retry-After"]) >= 1


# --- the authenticator code ---------------------------------------------------------


def code_at(moment: dt.datetime) -> str:
    return format_hotp_value(hotp_value(SECRET, int(moment.timestamp()) // 30))


def mfa_sign_in(client: Client, code: str) -> Any:
    assert post_login(client, "bupati.keerom", PASSWORD)["Location"] == reverse(
        "mfa_authenticate"
    )
    return client.post(reverse("mfa_authenticate"), {"code": code})


@pytest.fixture
def signer(tenant: Any) -> User:
    user = make_user(tenant, "bupati.keerom", "pimpinan")
    TOTP.activate(user, SECRET)
    return user


def test_a_code_of_the_step_just_ended_is_taken(client: Client, signer: User) -> None:
    # Typed in the last second of its step, it reaches the server in the next.
    start = timezone.now().replace(microsecond=0)
    start -= dt.timedelta(seconds=int(start.timestamp()) % 30 - 29)
    code = code_at(start)
    with time_machine.travel(start + dt.timedelta(seconds=2), tick=False):
        assert mfa_sign_in(client, code).status_code == 302
    assert "_auth_user_id" in client.session


def test_an_older_code_is_refused(client: Client, signer: User) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        response = mfa_sign_in(client, code_at(now - dt.timedelta(seconds=60)))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_used_code_is_refused_while_still_valid(client: Client, signer: User) -> None:
    start = timezone.now()
    code = code_at(start)
    with time_machine.travel(start, tick=False):
        assert mfa_sign_in(client, code).status_code == 302
    client.post("/akun/logout/")
    # Forty seconds on the code is still inside its grace step: a replay.
    with time_machine.travel(start + dt.timedelta(seconds=40), tick=False):
        response = mfa_sign_in(client, code)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_guessing_codes_is_still_limited(client: Client, signer: User) -> None:
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        post_login(client, "bupati.keerom", PASSWORD)
        for guess in ("000000", "111111", "222222", "333333", "444444"):
            client.post(reverse("mfa_authenticate"), {"code": guess})
        # The sixth try is refused even with the right code.
        client.post(reverse("mfa_authenticate"), {"code": code_at(now)})
    assert "_auth_user_id" not in client.session
