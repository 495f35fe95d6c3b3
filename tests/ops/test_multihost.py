"""Two app hosts and two task workers from one configuration, one PostgreSQL, one S3
store (``bench.cluster``), driven by a round-robin client: nothing a request or a
task needs may live on one host only."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from bench.cluster import BUCKET, Cluster, wait_for
from tests.ops.steps import (
    agenda_numbers,
    api,
    assert_gap_free,
    letters_complete,
    pdf,
    register,
    rows,
)

# One cluster per run: every test of the set-up goes to the same xdist worker.
pytestmark = pytest.mark.xdist_group("ops")


def test_sign_in_on_one_host_and_work_on_the_other(cluster: Cluster) -> None:
    client = cluster.client()
    signed_in = client.sign_in(
        cluster.seed["users"]["tu"], cluster.seed["password"], host=0
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    inbox = client.get("/surat/masuk/", host=1)
    assert inbox.status_code == 200, inbox.status_code
    # And back: the session lives in the database, not in a host.
    assert client.get("/surat/masuk/", host=0).status_code == 200
    client.post("/akun/logout/", host=1, data={
        "csrfmiddlewaretoken": client.session.cookies.get("csrftoken", "")})  # fmt: skip
    assert client.get("/surat/masuk/", host=0).status_code == 302


def test_registrations_racing_on_two_hosts_get_unique_gap_free_numbers(
    cluster: Cluster,
) -> None:
    client = api(cluster)
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda i: register(client, cluster, host=i % 2), range(16))
        )
    assert [a.status_code for a in answers] == [201] * 16, [a.text for a in answers]
    assert_gap_free(agenda_numbers(cluster))
    letters_complete(cluster)


def test_signatures_racing_on_two_hosts_take_unique_gap_free_numbers(
    cluster: Cluster,
) -> None:
    from warkat.demo.accounts import demo_totp_code

    seed = cluster.seed
    barrier = threading.Barrier(len(seed["drafts"]))

    def sign(i: int, who: str) -> requests.Response:
        client = api(cluster, who)
        letter_id = seed["drafts"][who][0]
        barrier.wait()
        return client.post(
            f"/api/v1/letters/{letter_id}/sign", host=i % 2,
            json={"passphrase": seed["passphrase"], "otp": demo_totp_code()},
        )  # fmt: skip

    # Each signer's authenticator code is single-use: one signature each, at once.
    with ThreadPoolExecutor(len(seed["drafts"])) as pool:
        answers = list(pool.map(lambda a: sign(*a), enumerate(seed["drafts"])))
    assert [a.status_code for a in answers] == [200] * len(answers), [
        a.text[:300] for a in answers
    ]
    sequences = [
        int(r[0])
        for r in rows(
            cluster,
            "SELECT sequence FROM drafting_numberentry WHERE kind = 'signed'"
            " ORDER BY sequence",
        )
    ]
    assert_gap_free(sequences)
    numbers = [r[0] for r in rows(cluster, "SELECT number FROM letters_letter"
                                  " WHERE direction = 'outgoing' AND number <> ''")]  # fmt: skip
    assert len(numbers) == len(set(numbers)) == len(answers)
    # The signed PDFs are in the bucket, not on a host.
    for name in rows(cluster, "SELECT storage_name FROM signing_signeddocument"):
        assert name[0] in cluster.store.object_keys()


def test_a_file_uploaded_on_one_host_is_downloaded_from_the_other(
    cluster: Cluster,
) -> None:
    client = api(cluster)
    scan = pdf("Berkas lintas host")
    made = register(client, cluster, host=0, data=scan)
    assert made.status_code == 201, made.text
    letter = made.json()
    file_id = client.get(f"/api/v1/letters/{letter['id']}", host=1).json()["files"][0][
        "id"
    ]
    got = client.get(f"/api/v1/letters/{letter['id']}/files/{file_id}", host=1)
    assert got.status_code == 200
    assert got.content == scan


def test_the_bucket_is_private(cluster: Cluster) -> None:
    """Files are streamed by the app after its permission checks (no bucket URL is
    ever handed out); the bucket answers nobody without a signature."""
    key = rows(cluster, "SELECT storage_name FROM letters_letterfile LIMIT 1")[0][0]
    direct = f"http://127.0.0.1:{cluster.store.port}/{BUCKET}/{key}"
    assert requests.get(direct, timeout=10).status_code == 403
    # Through the app: a file of a letter needs a signed-in reader.
    letter_id, file_id = rows(
        cluster, "SELECT letter_id, id FROM letters_letterfile LIMIT 1"
    )[0]
    anonymous = cluster.client()
    assert (
        anonymous.get(f"/api/v1/letters/{letter_id}/files/{file_id}").status_code == 401
    )
    outsider = api(cluster, "outsider")
    assert (
        outsider.get(f"/api/v1/letters/{letter_id}/files/{file_id}").status_code == 404
    )


def test_a_task_queued_on_one_host_is_run_by_the_other_hosts_worker(
    cluster: Cluster,
) -> None:
    """Page pictures of a PDF letter are drawn by a worker: with the first host's
    worker stopped, the second one draws the pictures of a letter the first host
    registered, and both hosts serve them from the bucket."""
    first = cluster.workers[0]
    first.stop()
    try:
        client = api(cluster)
        made = register(client, cluster, host=0)
        assert made.status_code == 201
        letter_id = made.json()["id"]

        def drawn() -> list[str]:
            detail = client.get(f"/api/v1/letters/{letter_id}", host=1).json()
            return detail["files"][0]["pages"]

        pages = wait_for(drawn, timeout=60, what="page pictures")
        workers = rows(
            cluster,
            "SELECT worker_ids::text FROM django_tasks_database_dbtaskresult"
            f" WHERE args_kwargs->'kwargs'->>'letter_id' = '{letter_id}'"
            " AND status = 'SUCCESSFUL'",
        )
        assert workers and all("worker1" in w[0] for w in workers), workers
        for host in (0, 1):
            picture = client.get(pages[0].split("127.0.0.1:8000")[-1], host=host)
            assert picture.status_code == 200
            assert picture.headers["Content-Type"] == "image/jpeg"
    finally:
        first.start()


def test_no_host_keeps_anything_on_its_own_disk(cluster: Cluster) -> None:
    """After all of the above, each host's ``WARKAT_VAR_DIR`` holds only the static
    files collected at release: sessions, caches, uploads, signed PDFs, page
    pictures and rate-limit counters are all in the database or the bucket."""
    for service in [*cluster.hosts, *cluster.workers]:
        var = Path(service.env["WARKAT_VAR_DIR"])
        kept = [
            str(p.relative_to(var))
            for p in var.rglob("*")
            if p.is_file() and p.relative_to(var).parts[0] != "static"
        ]
        assert kept == [], f"{service.name} wrote to its own disk: {kept[:10]}"
