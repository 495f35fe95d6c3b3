"""Faults on the two-host installation: a worker killed mid-task, an app host killed
mid-request, the object store unavailable and full, PostgreSQL stopped. Requests
fail clearly (503 with ``Retry-After``), tasks are retried, nothing is
half-written, and everything resumes by itself when the part returns.

An outage lasts ``WARKAT_TEST_OUTAGE_SECONDS`` (default 4; "a minute" or "30 s" in
production terms, shortened to keep the module fast)."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest
import requests

from bench.cluster import Cluster, RoundRobin, wait_for
from tests.ops.steps import (
    agenda_numbers,
    api,
    assert_gap_free,
    count,
    enqueue_nap,
    letters_complete,
    nap_row,
    register,
    wait_nap,
)

OUTAGE = float(os.environ.get("WARKAT_TEST_OUTAGE_SECONDS", "4"))
LETTERS = "SELECT count(*) FROM letters_letter"

# One cluster per run: every test of the set-up goes to the same xdist worker.
pytestmark = pytest.mark.xdist_group("ops")


def assert_unavailable_api(response: requests.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()
    assert body["code"] and body["message"] and body["message_en"]


def assert_unavailable_page(response: requests.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert int(response.headers["Retry-After"]) > 0
    assert "text/html" in response.headers["Content-Type"]
    assert "tidak tersedia" in response.text and "unavailable" in response.text


def a_file(client: RoundRobin, cluster: Cluster) -> tuple[int, int]:
    """A letter and its scan, registered now."""
    letter = register(client, cluster).json()
    detail = client.get(f"/api/v1/letters/{letter['id']}").json()
    return letter["id"], detail["files"][0]["id"]


def test_a_worker_killed_mid_task_is_recovered_by_the_other(cluster: Cluster) -> None:
    first, second = cluster.workers
    second.stop()
    marker = uuid.uuid4().hex
    try:
        enqueue_nap(cluster, marker=marker, seconds=3)
        running = wait_nap(cluster, marker, "RUNNING")
        assert running["workers"][0].startswith("worker0")
        first.kill()
        second.start()
        done = wait_nap(cluster, marker, "SUCCESSFUL", timeout=90)
        assert done["workers"][0].startswith("worker0")
        assert done["workers"][-1].startswith("worker1")
    finally:
        first.start()
        second.start() if second.process.poll() is not None else None


def test_an_app_host_killed_mid_request_leaves_nothing_half_written(
    cluster: Cluster,
) -> None:
    client = api(cluster)
    before = count(cluster, LETTERS)
    outcomes: list[int | str] = []
    stop = threading.Event()

    def keep_registering() -> None:
        while not stop.is_set():
            try:
                outcomes.append(register(client, cluster, host=0).status_code)
            except requests.RequestException as exc:
                outcomes.append(type(exc).__name__)
                return

    threads = [threading.Thread(target=keep_registering) for _ in range(4)]
    for t in threads:
        t.start()
    wait_for(lambda: count(cluster, LETTERS) > before, timeout=30, what="a letter")
    time.sleep(0.3)
    cluster.hosts[0].kill()
    stop.set()
    for t in threads:
        t.join(60)
    try:
        assert any(isinstance(o, str) for o in outcomes), outcomes  # cut off
        assert all(o in (201, "ConnectionError") for o in outcomes), outcomes
        # The other host goes on serving, and numbering goes on without a gap.
        assert register(client, cluster, host=1).status_code == 201
        assert client.get("/readyz", host=1).status_code == 200
        assert count(cluster, LETTERS) >= before + outcomes.count(201) + 1
        assert_gap_free(agenda_numbers(cluster))
        letters_complete(cluster)
    finally:
        cluster.hosts[0].start()
    assert register(client, cluster, host=0).status_code == 201


def test_the_object_store_unavailable(cluster: Cluster) -> None:
    client = api(cluster)
    web = cluster.client()
    assert (
        web.sign_in(cluster.seed["users"]["tu"], cluster.seed["password"]).status_code
        == 302
    )
    letter_id, file_id = a_file(client, cluster)
    before = count(cluster, LETTERS)
    cluster.store.proxy.mode = "down"
    try:
        for host in (0, 1):
            assert_unavailable_api(register(client, cluster, host=host))
            assert_unavailable_api(
                client.get(f"/api/v1/letters/{letter_id}/files/{file_id}", host=host)
            )
            assert_unavailable_page(
                web.get(f"/surat/{letter_id}/berkas/{file_id}/", host=host)
            )
            assert client.get("/readyz", host=host).status_code == 503
            # What needs no file still works.
            assert client.get("/api/v1/inbox", host=host).status_code == 200
        time.sleep(OUTAGE)
    finally:
        cluster.store.proxy.mode = "ok"
    assert count(cluster, LETTERS) == before  # nothing half-written
    assert register(client, cluster).status_code == 201
    assert client.get(f"/api/v1/letters/{letter_id}/files/{file_id}").status_code == 200
    letters_complete(cluster)


def test_the_object_store_full(cluster: Cluster) -> None:
    client = api(cluster)
    letter_id, file_id = a_file(client, cluster)
    before = count(cluster, LETTERS)
    cluster.store.proxy.mode = "full"
    try:
        refused = register(client, cluster)
        assert_unavailable_api(refused)
        # Reading goes on while the store refuses writes.
        got = client.get(f"/api/v1/letters/{letter_id}/files/{file_id}")
        assert got.status_code == 200
    finally:
        cluster.store.proxy.mode = "ok"
    assert count(cluster, LETTERS) == before
    assert register(client, cluster).status_code == 201
    letters_complete(cluster)


def test_postgresql_stopped(cluster: Cluster) -> None:
    client = api(cluster)
    web = cluster.client()
    assert (
        web.sign_in(cluster.seed["users"]["tu"], cluster.seed["password"]).status_code
        == 302
    )
    marker = uuid.uuid4().hex
    enqueue_nap(cluster, marker=marker, seconds=2)
    wait_nap(cluster, marker, "RUNNING")
    cluster.pg.stop("fast")  # the running task cannot record its end
    try:
        for host in (0, 1):
            assert_unavailable_api(client.get("/api/v1/inbox", host=host))
            assert_unavailable_api(register(client, cluster, host=host))
            assert_unavailable_page(web.get("/surat/masuk/", host=host))
            assert client.get("/healthz", host=host).status_code == 200
            assert client.get("/readyz", host=host).status_code == 503
        time.sleep(OUTAGE)
    finally:
        cluster.pg.start()
    # Everything resumes by itself: no host or worker was restarted.
    for host in (0, 1):
        wait_for(lambda h=host: client.get("/readyz", host=h).status_code == 200,
                 timeout=30, what="readiness")  # fmt: skip
        assert client.get("/api/v1/inbox", host=host).status_code == 200
        assert web.get("/surat/masuk/", host=host).status_code == 200
    assert register(client, cluster).status_code == 201
    done = wait_nap(cluster, marker, "SUCCESSFUL", timeout=90)
    assert len(done["workers"]) >= 2, done  # it ran again after the outage
    assert nap_row(cluster, marker) is not None
    assert_gap_free(agenda_numbers(cluster))
    letters_complete(cluster)
    # The workers still take new work.
    again = uuid.uuid4().hex
    enqueue_nap(cluster, marker=again, seconds=0)
    wait_nap(cluster, again, "SUCCESSFUL", timeout=60)
