"""Request ids: on the response, in log records, and carried into queued tasks."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.tasks import task
from django.test import Client, RequestFactory, override_settings

from warkat.core.logging import logging_config
from warkat.core.queue import enqueue_durable, queued
from warkat.core.requestid import (
    REQUEST_ID_KWARG,
    RequestIdFilter,
    RequestIdMiddleware,
    request_id,
    request_id_new,
)

SEEN: list[dict[str, Any]] = []
log = logging.getLogger("warkat.tests.requestid")

DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notify", "signing", "render", "ocr"],
    }
}


@task(queue_name="notify")
def requestid_probe(letter_id: int) -> None:
    """Records what the task function sees, and logs a line."""
    SEEN.append({"letter_id": letter_id, "request_id": request_id()})
    log.warning("probe ran for letter %s", letter_id)


@pytest.fixture(autouse=True)
def _clear_seen() -> Iterator[None]:
    SEEN.clear()
    yield
    SEEN.clear()


def middleware_run(header: str | None, view: Any) -> HttpResponse:
    headers = {"X-Request-ID": header} if header is not None else {}
    request = RequestFactory().get("/", headers=headers)
    return RequestIdMiddleware(view)(request)


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_request_id_made_when_absent_and_put_on_the_response() -> None:
    response = middleware_run(None, _ok)
    rid = response["X-Request-ID"]
    assert len(rid) == 32 and int(rid, 16) >= 0
    assert middleware_run(None, _ok)["X-Request-ID"] != rid
    assert request_id() is None  # reset after the request


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("b7c1e0d2-4f7a-4c55-9c1e-1f0e2d3c4b5a", True),
        ("lb-01:12345.678", True),
        ("bad id with spaces", False),
        ("forged\nERROR admin logged in", False),
        ("x" * 65, False),
        ("", False),
    ],
)
def test_proxy_request_id_validated(header: str, kept: bool) -> None:
    rid = middleware_run(header, _ok)["X-Request-ID"]
    assert (rid == header) is kept


def test_log_records_carry_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    caplog.handler.addFilter(RequestIdFilter())

    def view(request: HttpRequest) -> HttpResponse:
        log.warning("inside the request")
        return HttpResponse("ok")

    with caplog.at_level(logging.WARNING, logger=log.name):
        middleware_run("req-123", view)
        log.warning("outside any request")
    inside, outside = caplog.records
    assert inside.request_id == "req-123"  # type: ignore[attr-defined]
    assert outside.request_id == "-"  # type: ignore[attr-defined]


@pytest.fixture
def json_console() -> Iterator[io.StringIO]:
    """The production logging set-up (JSON), its console handler writing here."""
    stream = io.StringIO()
    logging.config.dictConfig(logging_config(json=True, level="INFO"))
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def test_json_log_lines(json_console: io.StringIO) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        log.warning("letter %s opened", 42)
        return HttpResponse("ok")

    middleware_run("req-json-1", view)
    line = json.loads(json_console.getvalue().splitlines()[-1])
    assert line["message"] == "letter 42 opened"
    assert line["level"] == "WARNING"
    assert line["logger"] == "warkat.tests.requestid"
    assert line["request_id"] == "req-json-1"
    assert "time" in line


def test_text_log_lines_by_default() -> None:
    config = logging_config(json=False, level="WARNING")
    assert "request_id" in config["formatters"]["default"]["format"]
    assert config["handlers"]["console"]["filters"] == ["request_id"]


@pytest.mark.django_db
def test_immediate_task_does_not_receive_the_id_argument(
    django_capture_on_commit_callbacks: Any,
) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        with (
            django_capture_on_commit_callbacks(execute=True),
            transaction.atomic(),
        ):
            enqueue_durable(requestid_probe, letter_id=7)
        return HttpResponse("ok")

    middleware_run("req-immediate", view)
    assert SEEN == [{"letter_id": 7, "request_id": "req-immediate"}]


# db_worker closes the connection at the end (PostgreSQL): a real transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(TASKS=DB_TASKS)
def test_request_id_travels_with_the_task_into_the_worker(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from django_tasks_db.models import DBTaskResult

    def view(request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            enqueue_durable(requestid_probe, letter_id=9)
        return HttpResponse("ok")

    middleware_run("req-to-worker", view)
    row = DBTaskResult.objects.get(task_path=requestid_probe.module_path)
    assert row.args_kwargs["kwargs"] == {
        "letter_id": 9,
        REQUEST_ID_KWARG: "req-to-worker",
    }
    # The sweeps' duplicate check compares the task's own arguments.
    assert queued(requestid_probe, letter_id=9)

    assert request_id() is None
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger=log.name):
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "notify",
            "--no-startup-delay",
            verbosity=0,
        )
    assert SEEN == [{"letter_id": 9, "request_id": "req-to-worker"}]
    (record,) = [r for r in caplog.records if r.name == log.name]
    assert record.request_id == "req-to-worker"  # type: ignore[attr-defined]
    # Restored after the task: the worker's own lines carry none.
    assert request_id() is None
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"


@pytest.mark.django_db
def test_client_response_carries_the_id() -> None:
    response = Client().get("/akun/login/", HTTP_X_REQUEST_ID="edge-42")
    assert response["X-Request-ID"] == "edge-42"


def test_new_ids_are_uuid4_hex() -> None:
    ids = {request_id_new() for _ in range(200)}
    assert len(ids) == 200
    for rid in ids:
        made = uuid.UUID(hex=rid)
        assert made.hex == rid and made.version == 4
        assert made.variant == uuid.RFC_4122
