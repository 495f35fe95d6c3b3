"""A whole installation's backup and restore: the database and the default storage.

Order matters. A backup dumps the database first and copies the files after it:
files are written before the transaction that refers to them commits and are never
rewritten, so every file the dump refers to already exists when it is copied (files
newer than the dump are orphans the periodic sweep removes). A restore checks the
whole archive first, refuses a non-empty database, puts the files back (re-runnable:
a file already there with the same content is skipped) and loads the database last,
in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from warkat.backup.archive import (
    ArchiveError,
    Manifest,
    archive_open,
    archive_read,
    archive_write,
)
from warkat.backup.database import (
    applied_migrations,
    db_dump,
    db_load,
    db_require_empty,
    is_postgres,
)
from warkat.backup.storagefiles import (
    FILES_DIR,
    archive_file_names,
    file_put,
    files_save,
    storage_walk,
)

KIND = "installation"
DB_PG = "database.pgdump"
DB_SQLITE = "database.sqlite3"


def backup_make(dest: Path) -> Manifest:
    """Write a complete archive of the installation to ``dest``."""
    with archive_write(dest, kind=KIND) as writer:
        name = DB_PG if is_postgres() else DB_SQLITE
        writer.manifest.meta.update(
            {
                "engine": connection.vendor,
                "database": name,
                "public_base_url": settings.PUBLIC_BASE_URL,
                "migrations": applied_migrations(),
            }
        )
        db_dump(writer.path(name))
        writer.record(name)
        writer.manifest.meta["file_count"] = files_save(writer, storage_walk())
        return writer.manifest


def restore_check(manifest: Manifest) -> list[str]:
    """Warnings worth a line on the operator's screen (nothing fatal)."""
    warnings = []
    url = manifest.meta.get("public_base_url")
    if url and url != settings.PUBLIC_BASE_URL:
        warnings.append(
            f"WARKAT_PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL!r} but the backup "
            f"was made at {url!r}: signer certificates and QR codes carry links "
            "built from the old address (OCSP, CRL, verification); keep it."
        )
    return warnings


def backup_restore(src: Path) -> tuple[Manifest, dict[str, Any]]:
    """Restore the archive at ``src`` (a directory or a ``.tar``) into the
    configured (empty) database and the default storage."""
    with archive_open(src) as root:
        return _restore(root)


def _restore(src: Path) -> tuple[Manifest, dict[str, Any]]:
    manifest = archive_read(src, kind=KIND)
    engine = manifest.meta.get("engine")
    if engine != connection.vendor:
        raise ArchiveError(
            f"The backup is of a {engine} database; this installation uses "
            f"{connection.vendor}."
        )
    db_require_empty()
    written = skipped = 0
    for name in archive_file_names(manifest):
        archived = FILES_DIR + name
        if file_put(
            source=src / archived,
            name=name,
            sha256=manifest.files[archived]["sha256"],
        ):
            written += 1
        else:
            skipped += 1
    db_load(src / manifest.meta["database"])
    return manifest, {"files_written": written, "files_skipped": skipped}
