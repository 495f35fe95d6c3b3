"""Counters of hits per fixed time window in the shared cache (database or Redis), so
every app host counts against the same limit. No lock is taken: with the database
cache two hits at the same instant may be counted once (the count is a floor,
good enough for a ceiling); Redis counts exactly."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils import timezone


def _key(name: str, key: str, seconds: int) -> tuple[str, int]:
    """The cache key of ``key``'s current window and the seconds left in it."""
    now = timezone.now().timestamp()
    window = int(now // seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    left = max(1, int((window + 1) * seconds - now + 0.999))
    return f"warkat:{name}:{digest}:{seconds}:{window}", left


def window_take(name: str, key: str, *, seconds: int = 60) -> tuple[int, int]:
    """Count one hit of ``key`` in the current window of ``seconds``; returns the
    window's count including this hit and the seconds until the window ends."""
    cache_key, left = _key(name, key, seconds)
    if cache.add(cache_key, 1, timeout=seconds + 30):  # the window's first hit
        return 1, left
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=seconds + 30)
        count = 1
    return count, left


def window_count(name: str, key: str, *, seconds: int = 60) -> tuple[int, int]:
    """The hits of ``key`` so far in the current window, and the seconds left."""
    cache_key, left = _key(name, key, seconds)
    return int(cache.get(cache_key) or 0), left
