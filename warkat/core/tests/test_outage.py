"""A part that is down answers 503 with Retry-After (page and API), and the task
worker retries tasks that met an outage and recovers dead workers' tasks. The real
thing, with processes and a stopped PostgreSQL, is in ``tests/ops``."""

from __future__ import annotations

import errno
import time
from typing import Any
from unittest import mock

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from django.core.cache import cache
from django.db import OperationalError
from django.tasks import TaskResultStatus, task
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from warkat.core import outage, workers
from warkat.letters.errors import storage_failed

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notify", "signing", "render", "ocr"],
    }
}


def _client_error(status: int, code: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutObject",
    )


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (OperationalError("server closed the connection"), True),
        (EndpointConnectionError(endpoint_url="http://s3"), True),
        (_client_error(507, "XMinioStorageFull"), True),
        (_client_error(503, "SlowDown"), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (storage_failed(), True),
        (_client_error(403, "AccessDenied"), False),
        (_client_error(404, "NoSuchKey"), False),
        (ValueError("a bug"), False),
        (OSError(errno.ENOENT, "missing"), False),
    ],
)
def test_what_counts_as_an_outage(exc: BaseException, expected: bool) -> None:
    assert outage.is_outage(exc) is expected


def test_an_outage_raised_from_another_error_counts() -> None:
    try:
        try:
            raise OperationalError("connection refused")
        except OperationalError as inner:
            raise RuntimeError("while loading the page") from inner
    except RuntimeError as exc:
        assert outage.is_outage(exc)


def _database_down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("connection to server failed: Connection refused")


@pytest.mark.django_db
def test_a_page_answers_the_friendly_503_when_the_database_is_down() -> None:
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", _database_down
    ):
        response = client.get("/surat/masuk/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "tidak tersedia" in text and "unavailable" in text


@pytest.mark.django_db
def test_the_api_answers_json_503_when_the_database_is_down() -> None:
    client = Client(raise_request_exception=False)
    with mock.patch(
        "warkat.accounts.middleware.ApiTokenMiddleware.__call__",
        lambda self, request: _database_down(),
    ):
        response = client.get("/api/v1/inbox", HTTP_AUTHORIZATION="Bearer wkt_x")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == "service.unavailable"
    assert body["message"] != body["message_en"]  # Indonesian and English


@pytest.mark.django_db
def test_a_bug_is_still_a_500() -> None:
    client = Client(raise_request_exception=False)
    with mock.patch(
        "warkat.accounts.middleware.ApiTokenMiddleware.__call__",
        lambda self, request: 1 / 0,
    ):
        response = client.get("/", HTTP_AUTHORIZATION="Bearer wkt_x")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")


def test_declared_503_in_the_openapi() -> None:
    from warkat.api.base import ERROR_RESPONSES

    assert 503 in ERROR_RESPONSES


# --- the task worker ---------------------------------------------------------------
@task(queue_name="default")
def flaky() -> None:
    raise OperationalError("the database went away")


@task(queue_name="default")
def buggy() -> None:
    raise ValueError("a bug")


def _worker(worker_id: str = "w1") -> workers.Worker:
    return workers.Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id=worker_id,
        excluded_queue_names=[],
    )  # fmt: skip


def _run_one(worker: workers.Worker) -> DBTaskResult:
    row = DBTaskResult.objects.ready().first()
    assert row is not None
    row.claim(worker.worker_id)
    worker.run_task(row)
    row.refresh_from_db()
    return row


@pytest.mark.django_db
@override_settings(
    TASKS=DB_TASKS, WARKAT_TASK_MAX_ATTEMPTS=2, WARKAT_TASK_RETRY_SECONDS=0
)
def test_a_task_that_met_an_outage_is_retried_then_fails() -> None:
    flaky.enqueue()
    worker = _worker()
    first = _run_one(worker)
    assert first.status == TaskResultStatus.READY  # back in the queue
    second = _run_one(worker)
    assert second.status == TaskResultStatus.FAILED  # out of attempts
    assert len(second.worker_ids) == 2


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_a_bug_fails_the_task_at_once() -> None:
    buggy.enqueue()
    assert _run_one(_worker()).status == TaskResultStatus.FAILED


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS, WARKAT_TASK_MAX_ATTEMPTS=3)
def test_the_task_of_a_dead_worker_is_put_back_and_a_live_ones_is_not() -> None:
    cache.clear()
    flaky.enqueue()
    buggy.enqueue()
    dead, alive = DBTaskResult.objects.ready()[:2]
    dead.claim("dead-worker")
    alive.claim("live-worker")
    cache.set(workers.alive_key("dead-worker"), time.time() - 120)
    cache.set(workers.alive_key("live-worker"), time.time())
    recovered = workers.orphans_recover(stale_seconds=60)
    assert recovered == [str(dead.pk)]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == TaskResultStatus.READY
    assert alive.status == TaskResultStatus.RUNNING
