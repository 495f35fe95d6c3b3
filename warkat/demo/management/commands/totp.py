"""``manage.py totp <username>``: the current authenticator code of a demo signer,
for testers without a phone. Demo only: refused in production, and for any account
whose TOTP secret is not the published demo secret."""

from __future__ import annotations

import hmac
from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.accounts.models import User
from warkat.demo.accounts import DEMO_TOTP_SECRET, demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the current TOTP code of a demo account (username or NIP). Demo only: "
        "refused in production and for accounts with a real authenticator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="username or NIP of a demo signer")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "totp is a demo tool and does not run in production "
                "(WARKAT_PRODUCTION is set)."
            )
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        authenticator = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError(f"{username} has no authenticator (TOTP).")
        # Secrets are sealed at rest; the MFA adapter opens them.
        secret = get_adapter().decrypt(authenticator.data["secret"])
        if not hmac.compare_digest(secret.encode(), DEMO_TOTP_SECRET.encode()):
            raise CommandError(
                f"{username} has their own authenticator, not the demo secret: "
                "their codes come only from their own app."
            )
        self.stdout.write(demo_totp_code())
