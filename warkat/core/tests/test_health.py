"""Liveness, readiness (database, object store, queues) and the worker heartbeat."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import OperationalError, connection
from django.tasks import task
from django.test import Client, override_settings

from warkat.core import health
from warkat.core.tasks import heartbeats_enqueue, worker_heartbeat

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notify", "signing", "render", "ocr"],
    }
}


class UnreachableStorage(FileSystemStorage):
    """An object store that cannot be reached (every call fails)."""

    def exists(self, name: str) -> bool:
        raise ConnectionError("object store unreachable")


@pytest.fixture
def _fresh_heartbeats() -> Any:
    health._last_stamp.clear()
    cache.clear()
    yield
    health._last_stamp.clear()


def test_healthz_answers_without_the_database() -> None:
    # No django_db mark: any database access would fail the test. Probes send the
    # balancer's own Host header (not in ALLOWED_HOSTS) and no cookies.
    response = Client(HTTP_HOST="10.0.0.7").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_heartbeats")
def test_readyz_ok_reports_every_queue() -> None:
    response = Client(HTTP_HOST="10.0.0.7").get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": {"ok": True}, "storage": {"ok": True}}
    assert set(body["queues"]) == set(settings.TASKS["default"]["QUEUES"])
    assert "webhooks" in body["queues"]
    # Never seen a worker: stale.
    assert body["queues"]["ocr"]["stale"] is True


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_heartbeats")
def test_readyz_503_when_the_object_store_is_unreachable() -> None:
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.UnreachableStorage"},
    }
    with override_settings(STORAGES=storages):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["storage"]["ok"] is False
    assert "object store unreachable" in body["checks"]["storage"]["error"]


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_heartbeats")
def test_readyz_503_when_the_database_is_unreachable() -> None:
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["ok"] is False
    assert "connection refused" in body["checks"]["database"]["error"]
    assert body["queues"] == {}


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_queue_depth_and_age_of_the_oldest_ready_task() -> None:
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        worker_heartbeat.using(queue_name="signing").enqueue(queue="signing")
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        worker_heartbeat.using(queue_name="signing").enqueue(queue="x")
        # Scheduled for later: not ready, not counted.
        worker_heartbeat.using(
            queue_name="signing", run_after=start + dt.timedelta(hours=1)
        ).enqueue(queue="y")
    with time_machine.travel(start + dt.timedelta(seconds=120), tick=False):
        stats = health.queue_stats()
        body = Client().get("/readyz").json()
    assert stats["signing"] == {"depth": 2, "oldest_age_seconds": 120.0}
    assert stats["default"] == {"depth": 0, "oldest_age_seconds": None}
    assert body["queues"]["signing"]["depth"] == 2


# db_worker closes the connection at the end (PostgreSQL): a real transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_TASKS)
def test_heartbeat_tasks_show_each_queue_worker_alive() -> None:
    assert heartbeats_enqueue() == health.task_queues()
    # A dead worker's queue gets one heartbeat task, not one per periodic run.
    assert heartbeats_enqueue() == []
    assert all(age is None for age in health.heartbeat_ages().values())

    call_command(
        "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0
    )

    ages = health.heartbeat_ages()
    assert all(age is not None and age < 5 for age in ages.values()), ages
    body = Client().get("/readyz").json()
    assert not any(queue["stale"] for queue in body["queues"].values())


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_run_periodic_queues_the_heartbeats() -> None:
    from django_tasks_db.models import DBTaskResult

    with mock.patch("warkat.dispositions.management.commands.run_periodic.JOBS", []):
        call_command("run_periodic")
    queues = set(
        DBTaskResult.objects.filter(task_path=worker_heartbeat.module_path).values_list(
            "queue_name", flat=True
        )
    )
    assert queues == set(health.task_queues())


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_heartbeats")
def test_stale_heartbeat_is_reported() -> None:
    start = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        health.heartbeat_record(queue="notify", force=True)
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        fresh = Client().get("/readyz").json()["queues"]["notify"]
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        stale = Client().get("/readyz").json()["queues"]["notify"]
    assert fresh["stale"] is False and fresh["heartbeat_age_seconds"] == 60.0
    assert stale["stale"] is True


@task(queue_name="render")
def health_probe_task() -> int:
    return 1


# db_worker closes the connection at the end (PostgreSQL): a real transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_TASKS)
@pytest.mark.usefixtures("_fresh_heartbeats")
def test_a_cache_outage_does_not_fail_the_finished_task() -> None:
    from django_tasks_db.models import DBTaskResult

    health_probe_task.enqueue()
    # The heartbeat stamp runs in the task_finished signal, inside the worker's
    # error handling: if it raised, the successful task would be marked failed.
    with mock.patch.object(
        health.cache, "set", side_effect=ConnectionError("cache down")
    ):
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "render",
            "--no-startup-delay",
            verbosity=0,
        )
    statuses = list(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL"]
