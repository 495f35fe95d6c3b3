"""Prometheus metrics: HTTP requests, task runs, signing and numbering, queues.

Exported (``/metrics``):

* ``warkat_http_requests_total{method,route,status}`` and
  ``warkat_http_request_duration_seconds{method,route}`` — ``route`` is the URL
  pattern (``surat/<id:pk>/``), never the path, so ids do not multiply the series;
* ``warkat_tasks_total{queue,task,status}`` and
  ``warkat_task_duration_seconds{queue,task}`` — from the ``django.tasks`` signals, in
  the process that runs the task (a ``db_worker``);
* ``warkat_signing_events_total{action}`` and ``warkat_numbering_events_total{action}``
  — counted from the audit events of signing and numbering once they are committed
  (the audit app connects ``audit_action_observe``);
* ``warkat_queue_depth{queue}``, ``warkat_queue_oldest_age_seconds{queue}``,
  ``warkat_worker_heartbeat_age_seconds{queue}`` and ``warkat_ocr_backlog`` — read at
  scrape time (``core.health``).

Several processes (the app server's workers, ``db_worker`` on the same host): set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory shared by them (emptied at each
start) and ``prometheus_client`` adds up their counters and histograms at scrape
time; without it each process reports only its own.

Access: only from the addresses in ``WARKAT_METRICS_ALLOWED`` (CIDR, default the
loopback) or with ``Authorization: Bearer <WARKAT_METRICS_TOKEN>``. A request that
came through a proxy (``X-Forwarded-For``) is allowed by address only when every
address in the chain is allowed, so a proxy on the same host does not open
``/metrics`` to the Internet.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "warkat_http_requests",
    "HTTP requests answered, by route pattern and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "warkat_http_request_duration_seconds",
    "Time to answer an HTTP request, by route pattern.",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
TASKS = Counter(
    "warkat_tasks",
    "Background tasks finished, by queue, task and outcome (SUCCESSFUL/FAILED).",
    ["queue", "task", "status"],
)
TASK_DURATION = Histogram(
    "warkat_task_duration_seconds",
    "Run time of background tasks, by queue and task.",
    ["queue", "task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
SIGNING_EVENTS = Counter(
    "warkat_signing_events",
    "Signing events (letters signed, documents signed, wrong passphrases).",
    ["action"],
)
NUMBERING_EVENTS = Counter(
    "warkat_numbering_events",
    "Letter numbering events (taken, given back, reserved, voided).",
    ["action"],
)

#: Audit actions counted, and by which counter.
SIGNING_ACTIONS = frozenset(
    {"drafting.sign", "signing.document_signed", "signing.passphrase_wrong"}
)
NUMBERING_ACTIONS = frozenset(
    {
        "drafting.number_take",
        "drafting.number_give_back",
        "drafting.number_reserve",
        "drafting.number_void",
    }
)
UNRESOLVED_ROUTE = "<unresolved>"


# --- HTTP --------------------------------------------------------------------------
def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return UNRESOLVED_ROUTE
    return match.route


class MetricsMiddleware:
    """Counts and times every request (outermost but for the ops endpoints)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        route = _route(request)
        method = request.method or "GET"
        HTTP_LATENCY.labels(method, route).observe(time.perf_counter() - start)
        HTTP_REQUESTS.labels(method, route, str(response.status_code)).inc()
        return response


# --- tasks ---------------------------------------------------------------------------
def on_task_finished(*, task_result: Any, **_: Any) -> None:
    task = task_result.task
    labels = (task.queue_name, task.name)
    try:
        TASKS.labels(*labels, str(task_result.status)).inc()
        if task_result.started_at and task_result.finished_at:
            started, finished = task_result.started_at, task_result.finished_at
            seconds = (finished - started).total_seconds()
            TASK_DURATION.labels(*labels).observe(max(seconds, 0.0))
    except Exception:
        # E.g. a full multiprocess directory. Raised from the signal, it would make
        # the worker mark the finished task as failed.
        logger.warning("task metrics not recorded for %s", task.name, exc_info=True)


# --- signing and numbering (audit events) -------------------------------------------
def audit_action_observe(action: str) -> None:
    """Count a committed audit event if it is about signing or numbering."""
    if action in SIGNING_ACTIONS:
        SIGNING_EVENTS.labels(action).inc()
    elif action in NUMBERING_ACTIONS:
        NUMBERING_EVENTS.labels(action).inc()


def on_audit_event_saved(*, instance: Any, created: bool, **_: Any) -> None:
    """``post_save`` receiver for audit events: counted when the transaction commits,
    so a signing that is rolled back is not counted."""
    from django.db import transaction

    action = instance.action
    if created and (action in SIGNING_ACTIONS or action in NUMBERING_ACTIONS):
        transaction.on_commit(lambda: audit_action_observe(action))


# --- queue gauges (read at scrape time) ------------------------------------------------
class QueueCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        from warkat.core.health import heartbeat_ages, queue_stats

        depth = GaugeMetricFamily(
            "warkat_queue_depth", "Tasks ready to run, by queue.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "warkat_queue_oldest_age_seconds",
            "Age of the oldest task ready to run, by queue (0 when empty).",
            labels=["queue"],
        )
        heartbeat = GaugeMetricFamily(
            "warkat_worker_heartbeat_age_seconds",
            "Seconds since a worker of the queue was last seen (absent: never).",
            labels=["queue"],
        )
        ocr = GaugeMetricFamily(
            "warkat_ocr_backlog", "Documents waiting for text recognition (ocr queue)."
        )
        try:
            stats = queue_stats()
            ages = heartbeat_ages()
        except DatabaseError:
            # Database down: the process metrics are still worth scraping.
            return
        for queue, row in stats.items():
            depth.add_metric([queue], row["depth"])
            oldest.add_metric([queue], row["oldest_age_seconds"] or 0)
        for queue, age in ages.items():
            if age is not None:
                heartbeat.add_metric([queue], age)
        # Until OCR exists its backlog is the ocr queue's depth (0 without the queue).
        ocr.add_metric([], stats.get("ocr", {}).get("depth") or 0)
        yield from (depth, oldest, heartbeat, ocr)


def metrics_text() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        process_metrics = generate_latest(registry)
    else:
        process_metrics = generate_latest(REGISTRY)
    queues = CollectorRegistry()
    queues.register(QueueCollector())
    return process_metrics + generate_latest(queues)


# --- access ---------------------------------------------------------------------------
def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(item, strict=False)
        for item in settings.WARKAT_METRICS_ALLOWED
    ]


def _address_allowed(value: str, networks: list[Any]) -> bool:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return any(address in network for network in networks)


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.WARKAT_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header[:7].lower() == "bearer ":
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    networks = _networks()
    chain = [request.META.get("REMOTE_ADDR", "")]
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded:
        chain += forwarded.split(",")
    return all(_address_allowed(hop, networks) for hop in chain)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


def connect() -> None:
    """Hook the task signals (from ``CoreConfig.ready``)."""
    from django.tasks.signals import task_finished

    task_finished.connect(on_task_finished, dispatch_uid="warkat.metrics.task")
