"""What the multi-host and fault tests do through HTTP, and what they read back from
the database (as the superuser, row-level security aside) and the bucket."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from typing import Any

import requests

from bench.cluster import PROJECT, Cluster, RoundRobin, wait_for

_seq = itertools.count(1)


def pdf(text: str) -> bytes:
    from warkat.letters.samples import sample_pdf

    return sample_pdf([text])


def api(cluster: Cluster, who: str = "tu") -> RoundRobin:
    client = cluster.client()
    client.token = cluster.seed["tokens"][who]
    return client


def register(
    client: RoundRobin,
    cluster: Cluster,
    *,
    host: int | None = None,
    data: bytes | None = None,
) -> requests.Response:
    """Register an incoming letter to the Kepala Dinas with one PDF scan."""
    n = next(_seq)
    fields = {
        "unit_id": cluster.seed["dinas"],
        "addressed_position_id": cluster.seed["positions"]["kadis"],
        "subject": f"Undangan rapat koordinasi {n}",
        "classification_code": "000.1.1",
        "number": f"005/{n}/{time.time_ns()}",
        "letter_date": "2026-11-02",
        "sender_institution": "Dinas Kominfo Provinsi Papua",
    }
    scan = data if data is not None else pdf(f"Surat uji {n}")
    return client.post(
        "/api/v1/letters/incoming", host=host, data=fields,
        files=[("files", (f"surat-{n}.pdf", scan, "application/pdf"))],
    )  # fmt: skip


def rows(cluster: Cluster, sql: str) -> list[list[str]]:
    out = cluster.pg.sql(sql, db="warkat")
    return [line.split("|") for line in out.splitlines() if line]


def count(cluster: Cluster, sql: str) -> int:
    return int(cluster.pg.sql(sql, db="warkat") or 0)


def agenda_numbers(cluster: Cluster) -> list[int]:
    return [
        int(r[0])
        for r in rows(
            cluster,
            "SELECT agenda_number FROM letters_letter WHERE direction = 'incoming'"
            " ORDER BY agenda_number",
        )
    ]


def assert_gap_free(numbers: list[int]) -> None:
    assert len(numbers) == len(set(numbers)), f"a number given twice: {numbers}"
    assert numbers == list(range(1, len(numbers) + 1)), f"a gap: {numbers}"


def letters_complete(cluster: Cluster) -> None:
    """Every incoming letter has its scan (in the bucket), its agenda number and its
    registration audit event: nothing half-written."""
    half = rows(
        cluster,
        "SELECT l.id FROM letters_letter l WHERE l.direction = 'incoming' AND ("
        " NOT EXISTS (SELECT 1 FROM letters_letterfile f WHERE f.letter_id = l.id)"
        " OR l.agenda_number IS NULL"
        " OR NOT EXISTS (SELECT 1 FROM audit_auditevent a WHERE a.action ="
        " 'letter.register' AND a.object_id = l.id::text))",
    )
    assert not half, f"half-written letters: {half}"
    keys = set(cluster.store.object_keys())
    names = [r[0] for r in rows(cluster, "SELECT storage_name FROM letters_letterfile")]
    missing = [n for n in names if n not in keys]
    assert not missing, f"files without their object: {missing}"


def enqueue_nap(cluster: Cluster, *, marker: str, seconds: float) -> None:
    """Queue ``tests.ops.nap.nap`` in the cluster's database (through
    ``manage.py shell``, with the cluster's settings)."""
    code = (
        "from tests.ops.nap import nap; "
        f"nap.enqueue(marker={marker!r}, seconds={seconds})"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT, env=cluster.env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def nap_row(cluster: Cluster, marker: str) -> dict[str, Any] | None:
    found = rows(
        cluster,
        "SELECT status, worker_ids::text FROM django_tasks_database_dbtaskresult"
        " WHERE task_path = 'tests.ops.nap.nap'"
        f" AND args_kwargs->'kwargs'->>'marker' = '{marker}'",
    )
    if not found:
        return None
    import json

    status, workers = found[0]
    return {"status": status, "workers": json.loads(workers)}


def wait_nap(
    cluster: Cluster, marker: str, status: str, timeout: float = 60
) -> dict[str, Any]:
    return wait_for(
        lambda: (row := nap_row(cluster, marker)) and row["status"] == status and row,
        timeout=timeout, what=f"nap {marker} {status}",
    )  # fmt: skip
