"""Set-ups that take minutes to make (a migrated, seeded database; collected static
files) are kept under ``var/`` by a digest of what they are made from, and made by
one process at a time."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def fingerprint(*patterns: str) -> str:
    """A digest of the files matching ``patterns`` under the project (names and
    contents), to know when a cached set-up is out of date."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(PROJECT.glob(pattern)):
            if path.is_file() and ".venv" not in path.parts:
                digest.update(str(path.relative_to(PROJECT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def cache_lock(cached: Path) -> Iterator[None]:
    """Held while one cached set-up is checked and made: a second run that starts
    meanwhile (another test process, a benchmark) waits, then copies it."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    with open(cached.parent / f".{cached.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
