"""Where a check-in's CPU goes (run by ``bench.checkin_peak --profile N`` per version
of the code): ``N`` check-ins of the peak tenant's people, each through the WSGI
application gunicorn calls (``warkat.config.wsgi``: the real database as the app
role), first unprofiled (CPU per check-in, ``time.process_time``), then ``N``
others under ``cProfile``. Prints the CPU per check-in and the functions with the
most own time and the most cumulative time.

Not importable as ``bench.…`` on purpose: it must run against either version.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any, cast


def _environ(person: dict[str, Any], n: int) -> dict[str, Any]:
    tap = {"latitude": person["lat"], "longitude": person["lon"], "accuracy_m": 15,
           "client_key": f"profile-{n}"}  # fmt: skip
    if "session" in person:  # the page, signed in (``bench/checkin_sessions.py``)
        tap["device_at"] = "2026-01-05T00:15:00.000Z"
        auth = {"HTTP_COOKIE": f"sessionid={person['session']}; "
                f"csrftoken={person['csrf']}", "HTTP_X_CSRFTOKEN": person["csrf"],
                "HTTP_ORIGIN": "http://127.0.0.1"}  # fmt: skip
    else:
        auth = {"HTTP_AUTHORIZATION": f"Bearer {person['token']}"}
    body = json.dumps(tap).encode()
    return auth | {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/attendance/check-ins",
        "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
    }  # fmt: skip


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    from warkat.config.wsgi import application as app

    n = int(sys.argv[1])
    people = json.loads(Path(os.environ["WARKAT_LOAD_SEED"]).read_text())["peak"][
        "people"
    ]
    statuses: list[str] = []

    def start(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status[:3])
        return None

    def tap(i: int) -> None:
        for _chunk in app(_environ(people[i], i), cast(Any, start)):
            pass

    for i in range(20):  # warm-up: imports, connections, prepared statements
        tap(i)
    started = time.process_time()
    for i in range(20, 20 + n):
        tap(i)
    cpu = (time.process_time() - started) * 1000 / n
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for i in range(20 + n, 20 + 2 * n):
        tap(i)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(45)
    stats.sort_stats("cumulative").print_stats(40)
    print(f"CPU per check-in (unprofiled, {n}): {cpu:.3f} ms; statuses "
          f"{sorted(set(statuses))}")  # fmt: skip
    print(out.getvalue())


if __name__ == "__main__":
    main()
