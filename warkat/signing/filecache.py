"""Per-process caches of things parsed from files (the stamp font, trust bundles),
re-read when the file changes."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable


def by_file[T](
    loader: Callable[[str], T], *, maxsize: int = 4
) -> Callable[[str | os.PathLike[str]], T]:
    """Wrap ``loader(path)`` so each file is parsed once per process; a new
    modification time or size parses it again. ``OSError`` from ``stat`` and the
    loader's own errors propagate (nothing is cached for a failed load)."""

    @functools.lru_cache(maxsize=maxsize)
    def cached(path: str, _mtime_ns: int, _size: int) -> T:
        return loader(path)

    def load(path: str | os.PathLike[str]) -> T:
        stat = os.stat(path)
        return cached(os.fspath(path), stat.st_mtime_ns, stat.st_size)

    load.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return load
