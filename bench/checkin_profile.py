"""Where a check-in's CPU goes (run by ``bench.checkin_peak --profile N`` per version
of the code): check-ins of the peak tenant's people, each through the WSGI
application the server calls (``warkat.config.wsgi``: the real database as the app
role), first unprofiled — ``N`` with the person's API token and, when the seed has
signed-in sessions (``bench.checkin_sessions``), ``N`` others as the page posts
them (session cookie and CSRF token), in alternating blocks so that both see the
same machine — for the CPU per check-in of each (``time.process_time``), then
``N`` others under ``cProfile`` (sessions when there are some; none with
``--cpu-only``). Prints the CPU per check-in and the functions with the most own
time and the most cumulative time. Needs ``20 + 3N`` people (``20 + 2N`` with
``--cpu-only``): each person taps once.

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
    cpu_only = "--cpu-only" in sys.argv[2:]
    people = json.loads(Path(os.environ["WARKAT_LOAD_SEED"]).read_text())["peak"][
        "people"
    ]
    sessions = "session" in people[0]
    statuses: list[str] = []

    def start(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status[:3])
        return None

    def tap(i: int, *, session: bool) -> None:
        person = people[i] if session else _without_session(people[i])
        for _chunk in app(_environ(person, i), cast(Any, start)):
            pass

    for i in range(20):  # warm-up: imports, connections, prepared statements
        tap(i, session=sessions and i % 2 == 0)
    kinds = ["token", "session"] if sessions else ["token"]
    cpu = dict.fromkeys(kinds, 0.0)
    block = 50
    for first in range(0, n, block):
        for k, kind in enumerate(kinds):
            started = time.process_time()
            for i in range(first, min(first + block, n)):
                tap(20 + k * n + i, session=kind == "session")
            cpu[kind] += time.process_time() - started
    print("CPU per check-in (unprofiled, " + f"{n} each): "
          + ", ".join(f"{kind} {cpu[kind] * 1000 / n:.3f} ms" for kind in kinds)
          + f"; statuses {sorted(set(statuses))}")  # fmt: skip
    if cpu_only:
        return
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    start_at = 20 + len(kinds) * n
    for i in range(start_at, start_at + n):
        tap(i, session=sessions)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(45)
    stats.sort_stats("cumulative").print_stats(40)
    print(f"Profiled: {n} {kinds[-1]} check-ins")
    print(out.getvalue())


def _without_session(person: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in person.items() if k not in ("session", "csrf")}


if __name__ == "__main__":
    main()
