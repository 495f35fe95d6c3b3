"""``manage.py tenant_export TENANT DEST``: one tenant's rows and files, to move it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.backup.archive import ArchiveError
from warkat.backup.tenant_export import tenant_by_code, tenant_export


class Command(BaseCommand):
    help = (
        "Export one tenant (all its rows, users, two-factor devices and files) into "
        "a new archive directory for `tenant_import` in another installation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tenant", help="region code or short name")
        parser.add_argument("dest", help="the archive directory to create")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tenant = tenant_by_code(options["tenant"])
            manifest = tenant_export(tenant=tenant, dest=Path(options["dest"]))
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest.meta["rows"].values())
        self.stdout.write(
            f"Exported {tenant.slug}: {rows} rows, {manifest.meta['file_count']} "
            f"files to {options['dest']}."
        )
        for link, count in sorted(manifest.meta["links_cut"].items()):
            self.stdout.write(f"  {count} links to other tenants cut: {link}")
