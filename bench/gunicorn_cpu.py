"""gunicorn hooks for ``bench.morning`` (``-c bench/gunicorn_cpu.py``): the CPU time
of each request's own thread (``time.thread_time``: Python, templates, password
hashing; not the database's), summed by route, written as JSON to
``$WARKAT_BENCH_CPU_DIR/<pid>.json`` at most once a second."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

_local = threading.local()
_lock = threading.Lock()
_totals: dict[str, list[float]] = {}
_written = [0.0]


def pre_request(worker: Any, req: Any) -> None:
    _local.start = time.thread_time()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    cpu = time.thread_time() - getattr(_local, "start", time.thread_time())
    route = f"{req.method} {re.sub(r'/[0-9]+', '/{id}', req.path)}"
    with _lock:
        total = _totals.setdefault(route, [0, 0.0])
        total[0] += 1
        total[1] += cpu
        if time.monotonic() - _written[0] < 1:
            return
        _written[0] = time.monotonic()
        data = json.dumps(_totals)
    folder = Path(os.environ.get("WARKAT_BENCH_CPU_DIR", "."))
    (folder / f"{os.getpid()}.json").write_text(data)
