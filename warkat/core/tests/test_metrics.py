"""/metrics: access control, HTTP/task/signing/numbering metrics, and the Grafana
dashboard querying only metrics the app exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.test import Client, override_settings
from prometheus_client import REGISTRY

DASHBOARD = Path(settings.PROJECT_DIR) / "docs" / "grafana" / "warkat.json"


@task(queue_name="render")
def metrics_probe_ok() -> int:
    return 1


@task(queue_name="render")
def metrics_probe_fails() -> None:
    raise ValueError("broken on purpose")


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(**extra: Any) -> Any:
    return Client().get("/metrics", REMOTE_ADDR="127.0.0.1", **extra)


@pytest.mark.django_db
def test_metrics_open_to_loopback_only() -> None:
    assert scrape().status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403


@pytest.mark.django_db
def test_metrics_behind_a_local_proxy_are_not_public() -> None:
    # nginx on the same host: REMOTE_ADDR is loopback, the client is not.
    response = scrape(HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 403
    assert scrape(HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


@pytest.mark.django_db
@override_settings(WARKAT_METRICS_ALLOWED=["10.1.0.0/16"])
def test_metrics_allowed_networks_from_settings() -> None:
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert scrape().status_code == 403


@pytest.mark.django_db
@override_settings(WARKAT_METRICS_TOKEN="s3cret-scrape-token")
def test_metrics_with_the_bearer_token_from_anywhere() -> None:
    client = Client(REMOTE_ADDR="203.0.113.5")
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token")
    assert ok.status_code == 200
    bad = client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong")
    assert bad.status_code == 403
    # A wrong token is refused even from an allowed address.
    assert scrape(HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


@pytest.mark.django_db
def test_metrics_without_token_setting_ignore_bearer_headers() -> None:
    response = Client().get(
        "/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer "
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_requests_counted_by_route_pattern_and_status() -> None:
    labels = {"method": "GET", "route": "akun/login/", "status": "200"}
    before = sample("warkat_http_requests_total", **labels)
    count_before = sample(
        "warkat_http_request_duration_seconds_count", method="GET", route="akun/login/"
    )
    assert Client().get("/akun/login/").status_code == 200
    assert sample("warkat_http_requests_total", **labels) == before + 1
    after = sample(
        "warkat_http_request_duration_seconds_count", method="GET", route="akun/login/"
    )
    assert after == count_before + 1
    unresolved = {"method": "GET", "route": "<unresolved>", "status": "404"}
    before_404 = sample("warkat_http_requests_total", **unresolved)
    Client().get("/no/such/page/12345")
    assert sample("warkat_http_requests_total", **unresolved) == before_404 + 1


@pytest.mark.django_db
def test_task_runs_and_failures_per_queue() -> None:
    ok = {"queue": "render", "task": "metrics_probe_ok", "status": "SUCCESSFUL"}
    failed = {"queue": "render", "task": "metrics_probe_fails", "status": "FAILED"}
    ok_before = sample("warkat_tasks_total", **ok)
    failed_before = sample("warkat_tasks_total", **failed)
    duration_before = sample(
        "warkat_task_duration_seconds_count", queue="render", task="metrics_probe_ok"
    )
    metrics_probe_ok.enqueue()
    metrics_probe_fails.enqueue()
    assert sample("warkat_tasks_total", **ok) == ok_before + 1
    assert sample("warkat_tasks_total", **failed) == failed_before + 1
    assert (
        sample(
            "warkat_task_duration_seconds_count",
            queue="render",
            task="metrics_probe_ok",
        )
        == duration_before + 1
    )


@pytest.mark.django_db
def test_signing_and_numbering_counted_when_committed(
    tenant: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from warkat.audit.services import audit_record

    take = sample("warkat_numbering_events_total", action="drafting.number_take")
    sign = sample("warkat_signing_events_total", action="drafting.sign")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        audit_record(tenant=tenant, actor=None, action="drafting.number_take")
        audit_record(tenant=tenant, actor=None, action="drafting.sign")
    # Not before the commit.
    assert sample("warkat_signing_events_total", action="drafting.sign") == sign
    for callback in callbacks:
        callback()
    assert sample("warkat_numbering_events_total", action="drafting.number_take") == (
        take + 1
    )
    assert sample("warkat_signing_events_total", action="drafting.sign") == sign + 1

    # Rolled back: not counted. Other actions: not counted.
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(tenant=tenant, actor=None, action="drafting.sign")
            raise RuntimeError("signing failed")
        audit_record(tenant=tenant, actor=None, action="drafting.delivery")
    assert sample("warkat_signing_events_total", action="drafting.sign") == sign + 1


@pytest.mark.django_db
def test_queue_gauges_and_ocr_backlog_exported() -> None:
    text = scrape().content.decode()
    for family in (
        "warkat_queue_depth",
        "warkat_queue_oldest_age_seconds",
        "warkat_worker_heartbeat_age_seconds",
    ):
        assert f"# TYPE {family} gauge" in text
    assert "\nwarkat_ocr_backlog 0.0\n" in text


def exported_names(text: str) -> set[str]:
    """Series names a query may use, from the exposition's TYPE lines."""
    names: set[str] = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.M):
        if kind == "histogram":
            names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
        else:
            names.add(name)
    return names


@pytest.mark.django_db
def test_grafana_dashboard_queries_only_exported_metrics() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [
        target["expr"]
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]
    used = {name for expr in exprs for name in re.findall(r"\bwarkat_\w+", expr)}
    exported = exported_names(scrape().content.decode())
    assert used, "the dashboard queries no Warkat metric"
    assert used <= exported, used - exported
    # The brief's panels: requests, latency, tasks, queues, signing.
    for needed in (
        "warkat_http_requests_total",
        "warkat_http_request_duration_seconds_bucket",
        "warkat_task_duration_seconds_bucket",
        "warkat_tasks_total",
        "warkat_queue_depth",
        "warkat_signing_events_total",
        "warkat_numbering_events_total",
    ):
        assert needed in used


# db_worker closes the connection at the end (PostgreSQL): a real transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_metrics_that_cannot_be_written_never_fail_the_task() -> None:
    from unittest import mock

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from warkat.core import metrics

    tasks = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "notify", "signing", "render", "ocr"],
        }
    }
    with override_settings(TASKS=tasks):
        metrics_probe_ok.enqueue()
        with mock.patch.object(metrics.TASKS, "labels", side_effect=OSError("full")):
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
