"""``manage.py restore SRC``: an archive of ``backup`` into an empty installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.backup.archive import ArchiveError
from warkat.backup.full import backup_restore, restore_check


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup` into the configured database, which "
        "must be new and empty, and the default storage. The archive is checked "
        "against its manifest before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", help="the archive directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest, counts = backup_restore(Path(options["src"]))
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        for warning in restore_check(manifest):
            self.stderr.write(warning)
        self.stdout.write(
            f"Restored {options['src']} (made {manifest.meta.get('created_at')}): "
            f"{counts['files_written']} files written, "
            f"{counts['files_skipped']} already present. Run `audit_verify` next."
        )
