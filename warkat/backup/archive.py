"""The archive a backup or a tenant export is written to: a directory of files and a
``manifest.json`` listing each file with its size and SHA-256.

An archive is written under ``<name>.partial`` and renamed to ``<name>`` only after
the manifest, written last, is on disk: a backup killed half-way leaves a
``.partial`` directory without a manifest, which nothing mistakes for an archive.
Reading an archive checks every file against the manifest before anything is
restored, so a corrupted or truncated archive is refused as a whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

MANIFEST = "manifest.json"
FORMAT = "warkat-archive/1"
PARTIAL_SUFFIX = ".partial"
_CHUNK = 1 << 20


class ArchiveError(Exception):
    """The archive cannot be written or used; the message says why."""


def sha256_stream(stream: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def sha256_file(path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        return sha256_stream(handle)


@dataclass
class Manifest:
    kind: str
    meta: dict[str, Any] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "kind": self.kind,
            "meta": self.meta,
            "files": self.files,
        }


@dataclass
class ArchiveWriter:
    root: Path
    manifest: Manifest

    def path(self, name: str) -> Path:
        target = (self.root / name).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise ArchiveError(f"unsafe name in archive: {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add_stream(self, name: str, source: IO[bytes]) -> dict[str, Any]:
        """Copy ``source`` into the archive as ``name``, hashing while copying."""
        digest = hashlib.sha256()
        size = 0
        with self.path(name).open("wb") as out:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        entry = {"sha256": digest.hexdigest(), "size": size}
        self.manifest.files[name] = entry
        return entry

    def add_bytes(self, name: str, data: bytes) -> dict[str, Any]:
        self.path(name).write_bytes(data)
        return self.record(name)

    def record(self, name: str) -> dict[str, Any]:
        """Add a file something else (``pg_dump``) wrote at ``self.path(name)``."""
        digest, size = sha256_file(self.root / name)
        entry = {"sha256": digest, "size": size}
        self.manifest.files[name] = entry
        return entry


@contextmanager
def archive_write(dest: Path, *, kind: str) -> Iterator[ArchiveWriter]:
    """Write an archive to ``dest`` (a directory, or one file when ``dest`` ends in
    ``.tar``); it appears there only when complete."""
    dest = Path(dest)
    if dest.exists():
        raise ArchiveError(f"{dest} already exists; choose a new name.")
    as_tar = dest.suffix == ".tar"
    partial = dest.with_name(dest.name + PARTIAL_SUFFIX)
    work = dest.with_name(dest.name + ".d" + PARTIAL_SUFFIX) if as_tar else partial
    for leftover in (work, partial):  # left by an interrupted earlier run
        if leftover.is_dir():
            shutil.rmtree(leftover)
        elif leftover.exists():
            leftover.unlink()
    work.mkdir(parents=True)
    manifest = Manifest(
        kind=kind, meta={"created_at": dt.datetime.now(dt.UTC).isoformat()}
    )
    writer = ArchiveWriter(root=work, manifest=manifest)
    try:
        yield writer
        body = json.dumps(manifest.as_json(), indent=1, sort_keys=True)
        with (work / MANIFEST).open("w") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        if as_tar:
            with tarfile.open(partial, "w") as tar:
                for name in [*sorted(manifest.files), MANIFEST]:
                    tar.add(work / name, arcname=name)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            shutil.rmtree(work)
        os.replace(partial, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def archive_open(src: Path) -> Iterator[Path]:
    """The archive's directory: ``src`` itself, or a ``.tar`` unpacked next to it
    (with tarfile's ``data`` filter: no links out, no absolute names) and removed
    afterwards."""
    src = Path(src)
    if src.name.endswith(PARTIAL_SUFFIX):
        raise ArchiveError(
            f"{src} is an interrupted, incomplete archive (it has no manifest)."
        )
    if not src.is_file():
        yield src
        return
    if not tarfile.is_tarfile(src):
        raise ArchiveError(f"{src} is neither an archive directory nor a tar file.")
    with tempfile.TemporaryDirectory(dir=src.parent, prefix=".unpacked-") as tmp:
        try:
            with tarfile.open(src) as tar:
                tar.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise ArchiveError(f"{src} cannot be unpacked: {exc}") from None
        yield Path(tmp)


def archive_read(src: Path, *, kind: str) -> Manifest:
    """The manifest of the archive at ``src`` after checking every file.

    Refuses an archive without a manifest (interrupted), of another kind, with a
    missing, extra, truncated or altered file."""
    src = Path(src)
    if src.name.endswith(PARTIAL_SUFFIX):
        raise ArchiveError(
            f"{src} is an interrupted, incomplete archive (it has no manifest)."
        )
    manifest_path = src / MANIFEST
    if not manifest_path.is_file():
        raise ArchiveError(
            f"{src} is not a complete archive: {MANIFEST} is missing "
            "(an interrupted backup, or not an archive)."
        )
    try:
        data = json.loads(manifest_path.read_text())
    except ValueError as exc:
        raise ArchiveError(f"{MANIFEST} of {src} is unreadable: {exc}") from None
    if data.get("format") != FORMAT:
        raise ArchiveError(f"{src}: unknown archive format {data.get('format')!r}.")
    if data.get("kind") != kind:
        raise ArchiveError(
            f"{src} is a {data.get('kind')!r} archive, not a {kind!r} archive."
        )
    files: dict[str, dict[str, Any]] = data.get("files") or {}
    present = {
        p.relative_to(src).as_posix()
        for p in src.rglob("*")
        if p.is_file() and p != manifest_path
    }
    extra = sorted(present - set(files))
    if extra:
        raise ArchiveError(f"{src} holds files its manifest does not list: {extra[:5]}")
    for name, entry in sorted(files.items()):
        path = src / name
        if not path.is_file():
            raise ArchiveError(f"{src} is incomplete: {name} is missing.")
        digest, size = sha256_file(path)
        if size != entry["size"] or digest != entry["sha256"]:
            raise ArchiveError(
                f"{src} is corrupted: {name} does not match its checksum "
                "in the manifest. Nothing was restored."
            )
    return Manifest(kind=data["kind"], meta=data.get("meta") or {}, files=files)
