"""Locust scenario of ``bench.checkin_peak``: the morning peak, check-ins only.

Each simulated phone takes the next generated person (``WARKAT_LOAD_SEED``, the
peak tenant's people in a shuffled order) and checks in at their office (inside its
geofence, a realistic 15 m accuracy and a new ``client_key`` per tap), at
``WARKAT_LOAD_PER_USER`` taps per second on average, each phone's taps a Poisson
process (exponential gaps, the first one too), so the crowd's taps arrive at
random like independent phones' and not in step: Locust starts its users in groups
(``--spawn-rate`` per second) and ``constant_throughput`` keeps each group in
step, so a group's taps used to reach the server at the same instant, a burst of
tens of requests every pacing period that no crowd of phones makes (at 100 a
second, 50 users paced together gave a p50 of 45 ms where the same taps spread
at random gave 5.5 ms). With ``WARKAT_LOAD_AUTH=session`` (the
default) as the check-in page posts it (the person's session cookie, the CSRF
cookie and header, the page's origin and the phone's ``device_at``: sessions made
by ``bench/checkin_sessions.py``), with ``token`` with the person's API token. An
answer other than 201/200, a body that is not JSON or a flagged record counts as
a failure (everyone is at their own office).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

from locust import task
from locust.contrib.fasthttp import FastHttpUser

_SEED: dict[str, Any] = json.loads(
    Path(os.environ.get("WARKAT_LOAD_SEED", "/dev/null")).read_text() or "{}"
)
PEOPLE: list[dict[str, Any]] = list(_SEED.get("peak", {}).get("people", []))
random.Random(0).shuffle(PEOPLE)
PER_USER = float(os.environ.get("WARKAT_LOAD_PER_USER", "2"))
AUTH = os.environ.get("WARKAT_LOAD_AUTH", "session")
_people = itertools.cycle(PEOPLE) if PEOPLE else None
_lock = threading.Lock()


def poisson_taps(user: Phone) -> float:
    """Seconds until this phone's next tap: its taps are a Poisson process of
    ``PER_USER`` a second, scheduled from the previous tap's time (a slow answer
    is caught up, as ``constant_throughput`` does)."""
    now = time.monotonic()
    due = max(user.due, now - 1 / PER_USER) + random.expovariate(PER_USER)
    user.due = due
    return max(0.0, due - now)


class Phone(FastHttpUser):
    wait_time = poisson_taps
    host = os.environ.get("WARKAT_LOAD_HOST", "http://127.0.0.1")

    def on_start(self) -> None:
        self.due = time.monotonic()
        time.sleep(poisson_taps(self))  # gevent's patched sleep: a random first gap

    @task
    def check_in(self) -> None:
        with _lock:
            assert _people is not None, "no people in the seed"
            person = next(_people)
        body = {
            "latitude": person["lat"] + random.uniform(-2e-4, 2e-4),
            "longitude": person["lon"] + random.uniform(-2e-4, 2e-4),
            "accuracy_m": 15,
            "client_key": f"peak-{time.time_ns()}-{random.getrandbits(32)}",
        }
        if AUTH == "session":
            now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
            body["device_at"] = now.replace("+00:00", "Z")  # Date.toISOString()
            headers = {
                "Cookie": f"sessionid={person['session']}; csrftoken={person['csrf']}",
                "X-CSRFToken": person["csrf"], "Origin": self.host,
            }  # fmt: skip
        else:
            headers = {"Authorization": f"Bearer {person['token']}"}
        with self.client.post(
            "/api/v1/attendance/check-ins", json=body, name="POST check-in",
            headers=headers, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            try:
                answer = response.json()
            except ValueError:
                response.failure(f"not JSON: {response.text[:200]}")
                return
            if answer.get("flags"):
                response.failure(f"flagged: {answer['flags']}")
