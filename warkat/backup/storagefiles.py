"""The files of the default storage (local disk or S3) in an archive, and back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.files.storage import default_storage

from warkat.backup.archive import ArchiveError, ArchiveWriter, Manifest, sha256_stream

FILES_DIR = "files/"


def storage_walk(prefix: str = "") -> Iterator[str]:
    """Every file name under ``prefix`` in the default storage."""
    try:
        dirs, files = default_storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for sub in sorted(dirs):
        yield from storage_walk(f"{prefix}{sub}/")


def files_save(writer: ArchiveWriter, names: Iterable[str]) -> int:
    """Copy the storage files ``names`` into the archive under ``files/``."""
    count = 0
    for name in names:
        with default_storage.open(name, "rb") as handle:
            writer.add_stream(FILES_DIR + name, handle)
        count += 1
    return count


def archive_file_names(manifest: Manifest) -> list[str]:
    return sorted(
        n[len(FILES_DIR) :] for n in manifest.files if n.startswith(FILES_DIR)
    )


def file_put(*, source: Path, name: str, sha256: str) -> bool:
    """Store the archived file as ``name``; True when written, False when the same
    content is already there (a re-run). Refuses to overwrite other content."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            digest, _size = sha256_stream(handle)
        if digest == sha256:
            return False
        raise ArchiveError(
            f"The storage already holds a different file named {name}; restore "
            "into a new, empty storage location. Nothing was overwritten."
        )
    with source.open("rb") as handle:
        stored = default_storage.save(name, handle)
    if stored != name:
        raise ArchiveError(f"The storage renamed {name} to {stored}.")
    return True
