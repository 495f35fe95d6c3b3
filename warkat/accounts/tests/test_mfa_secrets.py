"""TOTP secrets and recovery-code seeds are sealed at rest with the installation key."""

from __future__ import annotations

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.test import override_settings

from warkat.accounts.models import User
from warkat.demo.accounts import DEMO_TOTP_SECRET, demo_totp_code

pytestmark = pytest.mark.django_db
migration = importlib.import_module("warkat.accounts.migrations.0003_seal_mfa_secrets")


def test_totp_secret_is_stored_sealed_and_still_verifies(staff: User) -> None:
    totp = TOTP.activate(staff, DEMO_TOTP_SECRET)
    stored = Authenticator.objects.get(pk=totp.instance.pk).data["secret"]
    assert stored.startswith("wk1:") and DEMO_TOTP_SECRET not in stored
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(
        demo_totp_code()
    )
    codes = RecoveryCodes.activate(staff)
    seed = Authenticator.objects.get(pk=codes.instance.pk).data["seed"]
    assert seed.startswith("wk1:")
    assert len(RecoveryCodes(codes.instance).get_unused_codes()) == 10
    # Another installation key cannot open it.
    with (
        override_settings(WARKAT_CA_KEY="another-installation-key"),
        pytest.raises(InvalidTag),
    ):
        TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code("123456")


def test_migration_seals_secrets_stored_in_the_clear(staff: User) -> None:
    row = Authenticator.objects.create(
        user=staff, type="totp", data={"secret": DEMO_TOTP_SECRET}
    )
    migration.seal(apps, None)
    migration.seal(apps, None)  # idempotent
    row.refresh_from_db()
    assert row.data["secret"].startswith("wk1:")
    assert TOTP(row).validate_code(demo_totp_code())
    migration.unseal(apps, None)
    row.refresh_from_db()
    assert row.data["secret"] == DEMO_TOTP_SECRET
