"""``manage.py tenant_import SRC``: a ``tenant_export`` archive into this installation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.backup.archive import ArchiveError
from warkat.backup.tenant_import import tenant_import


class Command(BaseCommand):
    help = (
        "Import a tenant exported from another installation, with new ids, its "
        "files moved to its new folders and its keys re-wrapped with this "
        "installation's key. Refuses a tenant or user name already here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", help="the archive directory")
        parser.add_argument(
            "--source-key-env",
            default="",
            help="name of an environment variable holding the source installation's "
            "WARKAT_CA_KEY (default: the same key as this installation)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        env = options["source_key_env"]
        if env and not os.environ.get(env):
            raise CommandError(f"The environment variable {env} is not set.")
        try:
            report = tenant_import(
                src=Path(options["src"]), source_key=os.environ[env] if env else None
            )
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Imported {report.tenant.slug} as tenant {report.tenant.pk}: "
            f"{sum(report.rows.values())} rows, {report.files} files. "
            "Run `audit_verify` next."
        )
