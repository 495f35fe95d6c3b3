"""Faults: an interrupted backup, a non-empty database, a corrupted archive."""

from __future__ import annotations

import json
import sqlite3
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from warkat.backup import full
from warkat.backup.archive import ArchiveWriter
from warkat.backup.storagefiles import storage_walk
from warkat.backup.tests.filling import media_at

# Committed rows: pg_dump reads them from its own session, and SQLite's backup API
# waits for an open write transaction to end.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def stored(media: Path) -> list[str]:
    names = [f"7/2026/11/{i}.pdf" for i in range(3)]
    for name in names:
        default_storage.save(name, ContentFile(f"%PDF-{name}".encode()))
    return names


@pytest.mark.parametrize("dest", ["b", "b.tar"])
def test_backup_interrupted_half_way_leaves_nothing_that_looks_complete(
    stored: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dest: str
) -> None:
    real = ArchiveWriter.add_stream
    calls = []

    def dying(self: ArchiveWriter, name: str, source: Any) -> Any:
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(self, name, source)

    monkeypatch.setattr(ArchiveWriter, "add_stream", dying)
    with pytest.raises(OSError):
        call_command("backup", str(tmp_path / dest))
    assert [p.name for p in tmp_path.iterdir()] == ["media"]  # the storage only


def test_a_killed_backups_partial_directory_is_refused(
    stored: list[str], tmp_path: Path
) -> None:
    # A backup killed by the kernel cannot clean up: its ``.partial`` directory
    # has database and files but no manifest, and restore refuses it.
    partial = tmp_path / "b.partial"
    (partial / "files").mkdir(parents=True)
    (partial / "database.pgdump").write_bytes(b"PGDMP half")
    for target in (partial, tmp_path / "b"):
        with pytest.raises(CommandError, match=r"interrupted|incomplete|manifest"):
            call_command("restore", str(target))


def test_restore_into_a_non_empty_database_is_refused(
    stored: list[str], tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "b"
    call_command("backup", str(archive))
    media_at(settings, tmp_path / "fresh")
    with pytest.raises(CommandError, match="is not empty") as info:
        call_command("restore", str(archive))
    assert "Restore only into a new, empty database" in str(info.value)
    # Refused before anything was written, files included.
    assert not list(storage_walk())


def test_corrupted_archive_is_refused_before_anything_is_written(
    stored: list[str], tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "b"
    call_command("backup", str(archive))
    victim = archive / "files" / stored[1]
    data = bytearray(victim.read_bytes())
    data[-1] ^= 0xFF
    victim.write_bytes(bytes(data))
    media_at(settings, tmp_path / "fresh")
    with pytest.raises(CommandError, match="corrupted") as info:
        call_command("restore", str(archive))
    assert stored[1] in str(info.value)
    assert not list(storage_walk())


def test_truncated_or_padded_archives_are_refused(
    stored: list[str], tmp_path: Path
) -> None:
    archive = tmp_path / "b"
    call_command("backup", str(archive))
    (archive / "files" / "extra.bin").write_bytes(b"x")
    with pytest.raises(CommandError, match="does not list"):
        call_command("restore", str(archive))
    (archive / "files" / "extra.bin").unlink()
    (archive / "files" / stored[0]).unlink()
    with pytest.raises(CommandError, match="missing"):
        call_command("restore", str(archive))


def test_manifest_lists_database_and_files_with_checksums(
    stored: list[str], tmp_path: Path
) -> None:
    archive = tmp_path / "b"
    call_command("backup", str(archive))
    manifest = json.loads((archive / "manifest.json").read_text())
    assert manifest["kind"] == full.KIND
    assert manifest["meta"]["engine"] == connection.vendor
    assert {f"files/{n}" for n in stored} <= set(manifest["files"])
    assert all(len(e["sha256"]) == 64 for e in manifest["files"].values())
    assert manifest["meta"]["database"] in manifest["files"]


def test_sqlite_backup_is_a_consistent_copy(tmp_path: Path, tenant: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's backup API")
    archive = tmp_path / "b"
    call_command("backup", str(archive))
    copy = sqlite3.connect(archive / full.DB_SQLITE)
    try:
        rows = copy.execute("SELECT slug FROM tenancy_tenant").fetchall()
    finally:
        copy.close()
    assert (tenant.slug,) in rows


def test_one_file_tar_archive_is_checked_like_a_directory(
    stored: list[str], tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "b.tar"
    call_command("backup", str(archive))
    assert archive.is_file() and not (tmp_path / "b.tar.partial").exists()
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        member = tar.getmember(f"files/{stored[1]}")
    assert {"manifest.json", *(f"files/{n}" for n in stored)} <= names
    media_at(settings, tmp_path / "fresh")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", str(archive))
    # One byte of a file's content changed inside the tar.
    with archive.open("r+b") as handle:
        handle.seek(member.offset_data)
        first = handle.read(1)
        handle.seek(member.offset_data)
        handle.write(bytes([first[0] ^ 0xFF]))
    with pytest.raises(CommandError, match="corrupted"):
        call_command("restore", str(archive))
    assert not list(storage_walk())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".unpacked")] == []
    (tmp_path / "c.tar.partial").write_bytes(b"half a tar")
    with pytest.raises(CommandError, match="interrupted"):
        call_command("restore", str(tmp_path / "c.tar.partial"))
