"""A task that takes its time, for the fault tests: the worker running it can be
killed, or the database stopped, while it runs. It records each run in the shared
cache, so a test sees how often it ran."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.tasks import task


@task(queue_name="default")
def nap(*, marker: str, seconds: float) -> int:
    time.sleep(seconds)
    key = f"nap:{marker}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key)
