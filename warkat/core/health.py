"""Liveness (``/healthz``), readiness (``/readyz``) and the task workers' heartbeat.

* ``/healthz`` says the process answers; it touches nothing else (no database, no
  session), so a database outage does not make the orchestrator restart every app
  process.
* ``/readyz`` checks the database and the object store — 503 with the details when
  either is unreachable, so the load balancer stops sending requests — and reports,
  per task queue, the depth (tasks ready to run), the age of the oldest ready task
  and how long ago a worker was last seen. A stale queue does not fail readiness
  (the app still serves pages); alert on the metrics instead.

Both are answered by ``ops_endpoints.OpsEndpointsMiddleware`` at the top of the middleware stack,
before host checks, sessions and sign-in gates, because probes come from the load
balancer with its own Host header and no cookies.

Heartbeat: ``django_tasks_db``'s ``db_worker`` records none, so every task a database
worker finishes stamps ``heartbeat:<queue>`` in the shared cache (at most every
``_HEARTBEAT_EVERY`` seconds per process), and ``run_periodic`` queues a
``core.tasks.worker_heartbeat`` on each queue (``tasks.heartbeats_enqueue``) that has none waiting, so an idle
worker is seen too.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)
_HEARTBEAT_KEY = "warkat:heartbeat:{queue}"
_HEARTBEAT_EVERY = 10.0
_HEARTBEAT_TTL = 7 * 24 * 3600
_last_stamp: dict[str, float] = {}
# Looked up by ``exists`` only: a missing file is the normal answer.
_STORAGE_PROBE = "healthz/probe"


def task_queues() -> list[str]:
    return list(settings.TASKS["default"].get("QUEUES") or ["default"])


def uses_database_queue() -> bool:
    from warkat.core.queue import DATABASE_BACKEND

    backend = settings.TASKS["default"]["BACKEND"]
    return backend in {DATABASE_BACKEND, "django_tasks_db.DatabaseBackend"}


# --- heartbeat -----------------------------------------------------------------
def heartbeat_record(*, queue: str, force: bool = False) -> None:
    """Note that a worker of ``queue`` is alive now."""
    now = time.monotonic()
    if not force and now - _last_stamp.get(queue, -_HEARTBEAT_EVERY) < _HEARTBEAT_EVERY:
        return
    cache.set(_HEARTBEAT_KEY.format(queue=queue), time.time(), _HEARTBEAT_TTL)
    _last_stamp[queue] = now


def heartbeat_ages() -> dict[str, float | None]:
    """Seconds since a worker of each queue was last seen (None: never)."""
    keys = {_HEARTBEAT_KEY.format(queue=queue): queue for queue in task_queues()}
    stamps = cache.get_many(list(keys))
    now = time.time()
    return {
        queue: (round(now - stamps[key], 1) if key in stamps else None)
        for key, queue in keys.items()
    }


def on_task_finished(*, task_result: Any, **_: Any) -> None:
    """Any task finished by a database worker proves that queue's worker alive."""
    from warkat.core.queue import is_transactional

    task = task_result.task
    if not is_transactional(task):
        return
    try:
        heartbeat_record(queue=task.queue_name)
    except Exception:
        # Raised from the signal it would mark the finished task as failed.
        logger.warning("heartbeat not recorded for %s", task.queue_name, exc_info=True)


# --- queues ---------------------------------------------------------------------
def queue_stats() -> dict[str, dict[str, Any]]:
    """Per queue: tasks ready to run and the age in seconds of the oldest. One
    grouped query over the ready rows (the partial ``status = READY`` index of
    ``django_tasks_db``). Empty unless the database backend is in use."""
    if not uses_database_queue():
        return {}
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    stats: dict[str, dict[str, Any]] = {
        queue: {"depth": 0, "oldest_age_seconds": None} for queue in task_queues()
    }
    rows = (
        DBTaskResult.objects.ready()
        .order_by()
        .values("queue_name")
        .annotate(depth=Count("id"), oldest=Min("enqueued_at"))
    )
    for row in rows:
        oldest: dt.datetime = row["oldest"]
        stats[row["queue_name"]] = {
            "depth": row["depth"],
            "oldest_age_seconds": round((now - oldest).total_seconds(), 1),
        }
    return stats


# --- checks ---------------------------------------------------------------------
def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_storage() -> None:
    # One cheap round trip (a HEAD on S3); an unreachable or refusing store raises.
    default_storage.exists(_STORAGE_PROBE)


def _run(check: Callable[[], None]) -> dict[str, Any]:
    try:
        check()
    except Exception as exc:  # any failure means "not ready"
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True}


def readiness() -> tuple[bool, dict[str, Any]]:
    checks = {"database": _run(_check_database), "storage": _run(_check_storage)}
    ready = all(check["ok"] for check in checks.values())
    queues: dict[str, Any] = {}
    if checks["database"]["ok"]:
        stale_after = settings.WARKAT_HEARTBEAT_STALE_SECONDS
        try:
            stats = queue_stats()
            ages = heartbeat_ages()
        except Exception as exc:  # reported; readiness unaffected
            queues = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            for queue in task_queues():
                age = ages.get(queue)
                queues[queue] = {
                    **stats.get(queue, {"depth": None, "oldest_age_seconds": None}),
                    "heartbeat_age_seconds": age,
                    "stale": age is None or age > stale_after,
                }
    body = {"status": "ok" if ready else "fail", "checks": checks, "queues": queues}
    return ready, body


# --- views ------------------------------------------------------------------------
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    ready, body = readiness()
    return JsonResponse(body, status=200 if ready else 503)
