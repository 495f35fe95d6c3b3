"""Board and recap timings, in process (run by ``bench.checkin_peak --board``, once
per version of the code, with ``PYTHONPATH`` naming that version): today's board
of the seeded 5,000-person tenant (API and page) and last month's recap export
(XLSX and PDF; skipped with 0 exports), requested through Django's test ``Client`` (the whole middleware
stack) as a personnel-office user, against a copy of the seeded database as the
app role (``NOSUPERUSER NOBYPASSRLS``). Prints one JSON line: per scenario the
server times (wall clock) and the process CPU times in milliseconds.

Not importable as ``bench.…`` on purpose: it must run against either version.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def _person_user(tenant: Any) -> Any:
    from warkat.accounts.models import Role, User, UserRole
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        user = User.objects.create(username="bench.kepegawaian", tenant=tenant,
                                   must_change_password=False)  # fmt: skip
        UserRole.objects.create(tenant=tenant, user=user, role=Role.KEPEGAWAIAN)
    return user


def _time(client: Any, url: str, runs: int, warmup: int) -> dict[str, Any]:
    walls: list[float] = []
    cpus: list[float] = []
    size = 0
    for i in range(warmup + runs):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if response.status_code != 200:
            raise SystemExit(
                f"{url}: {response.status_code} {response.content[:300]!r}"
            )
        size = len(response.content)
        if i >= warmup:
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
    walls.sort()
    cpus.sort()
    p95 = min(len(walls) - 1, round(0.95 * (len(walls) - 1)))
    return {"p50": walls[len(walls) // 2], "p95": walls[p95], "cpu50": cpus[len(cpus) // 2],
            "cpu95": cpus[p95], "runs": runs, "bytes": size}  # fmt: skip


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    # Start as the server does (whatever that version's WSGI module does at start).
    importlib.import_module("warkat.config.wsgi")
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from warkat.tenancy.models import Tenant

    seed = json.loads(Path(os.environ["WARKAT_LOAD_SEED"]).read_text())["board"]
    runs, warmup, exports = (int(x) for x in sys.argv[1:4])
    profile = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    tenant = Tenant.objects.get(pk=seed["tenant"])
    client = Client(HTTP_HOST="localhost")
    client.force_login(_person_user(tenant))
    unit = seed["root"]
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime(
        "%Y-%m"
    )
    out: dict[str, Any] = {
        "board API": _time(
            client, f"/api/v1/attendance/today?unit={unit}", runs, warmup
        ),
        "board page": _time(client, f"/absen/papan/?unit={unit}", runs, warmup),
    }
    if exports:
        out.update(recap(client, month, unit, exports))
    if profile:
        for url in (
            f"/api/v1/attendance/today?unit={unit}",
            f"/absen/papan/?unit={unit}",
        ):
            _profile(client, url, profile)
    print(json.dumps(out))


def _profile(client: Any, url: str, lines: int) -> None:
    """cProfile of 10 more requests (CPU time), the top ``lines`` by own time, to
    stderr: where the answer's CPU goes."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(10):
        client.get(url)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(lines)
    print(f"--- {url}: 10 requests\n{text.getvalue()}", file=sys.stderr)


def recap(client: Any, month: str, unit: int, exports: int) -> dict[str, Any]:
    return {
        "recap XLSX": _time(
            client,
            f"/api/v1/attendance/recap/export?month={month}&unit={unit}&fmt=xlsx",
            exports,
            0,
        ),
        "recap PDF": _time(
            client,
            f"/api/v1/attendance/recap/export?month={month}&unit={unit}&fmt=pdf",
            exports,
            0,
        ),
    }


if __name__ == "__main__":
    main()
