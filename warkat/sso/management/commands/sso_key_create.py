"""Make a new RSA key for signing ID tokens (for WARKAT_OIDC_KEY_FILE)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.sso.keys import write_key


class Command(BaseCommand):
    help = "Write a new ID-token signing key (RSA 2048, PEM, mode 0600) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="file to create (must not exist)")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            write_key(Path(path))
        except FileExistsError as exc:
            raise CommandError(f"{path} exists; choose a new file.") from exc
        self.stdout.write(f"Key written to {path}.")
