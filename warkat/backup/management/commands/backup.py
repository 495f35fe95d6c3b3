"""``manage.py backup DEST``: the database and every stored file in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.backup.archive import ArchiveError
from warkat.backup.full import backup_make


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's backup API) and the files of "
        "the default storage into a new archive directory with a checksum manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="the archive directory to create")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_make(Path(options["dest"]))
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written to {options['dest']}: {len(manifest.files)} files "
            f"({manifest.meta.get('file_count', 0)} from storage)."
        )
