"""Webhook fan-out benchmark: 1,000 events to 10 loopback receivers with one of them
down, through the real pipeline (audit event → outbox rows and drain task in the same
transaction → database task queue → ``manage.py db_worker`` processes on the
"webhooks" queue → signed HTTP POST to receivers in their own processes).

    python -m bench.bench_webhooks [--events 1000] [--endpoints 10] [--workers 2]

Runs on its own copy of the benchmark database (``var/bench.sqlite3`` copied to
``var/bench-webhooks.sqlite3``, migrated, removed afterwards), so it changes no data
it measures; receivers listen on 127.0.0.1 ports 18650 and up (loopback only, through
the tenant's internal host list). One event registers a letter's audit event; each
receiver verifies every signature with the ``standardwebhooks`` library. One
receiver is down until the others have everything; then it starts and the time its
backlog takes is measured. The retry schedule is compressed (1 s, 2 s, 4 s …: the
same code, shorter waits) so the run stays bounded; a run stops after ``--limit``
seconds in any case. Prints a table: time, deliveries per second, attempts, lost
and duplicated messages.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench import PROJECT_DIR, bootstrap

COPY = PROJECT_DIR / "var" / "bench-webhooks.sqlite3"
SOURCE = PROJECT_DIR / "var" / "bench.sqlite3"
FIRST_PORT = 18650
#: Kabupaten of Papua for the bench's own tenant (the first one not in use).
CODES = ("91.11", "91.03", "91.05", "91.06", "91.10", "91.17")


def _copy_database() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{COPY}{suffix}").unlink(missing_ok=True)
    if SOURCE.exists():
        with sqlite3.connect(SOURCE) as source, sqlite3.connect(COPY) as target:
            source.backup(target)


def _remove_copy() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{COPY}{suffix}").unlink(missing_ok=True)


def _setup(endpoints: int) -> tuple[Any, Any, list[str]]:
    """The bench tenant with an administrator, a letter and one subscription per
    receiver port; returns the subscriptions' secrets."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from warkat.accounts.models import Role, User, UserRole
    from warkat.archive.models import ClassificationCode
    from warkat.letters.samples import sample_pdf
    from warkat.letters.services.registration import letter_register
    from warkat.org.services.positions import position_create
    from warkat.org.services.units import unit_root
    from warkat.tenancy.models import Tenant
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create
    from warkat.webhooks.services import endpoint_create, webhook_settings_set

    used = set(Tenant.objects.values_list("region_code", flat=True))
    code = next(c for c in CODES if c not in used)
    tenant = tenant_create(
        region_code=code, actor=None, build_regions=False, slug="bench-webhook"
    )
    with tenant_scope(tenant):
        admin = User.objects.create(username="bench-webhook-admin", tenant=tenant)
        UserRole.objects.create(tenant=tenant, user=admin, role=Role.TENANT_ADMIN)
        root = unit_root(tenant=tenant)
        head = position_create(
            tenant=tenant, actor=None, unit=root, name="Bupati", code="BENCH.BUPATI",
            category="kepala_daerah", is_head=True,
        )  # fmt: skip
        letter = letter_register(
            actor=admin, unit=root, addressed_position=head,
            subject="Undangan rapat koordinasi SPBE",
            classification=ClassificationCode.objects.filter(code="000.1.1").first(),
            number="005/1/BENCH", letter_date=dt.date(2026, 11, 2),
            sender_institution="Dinas Kominfo Provinsi Papua",
            files=[SimpleUploadedFile("s.pdf", sample_pdf(["Surat"]), "application/pdf")],
        )  # fmt: skip
        webhook_settings_set(actor=admin, internal_hosts=["127.0.0.1"])
        secrets = []
        for i in range(endpoints):
            _endpoint, secret = endpoint_create(
                actor=admin, name=f"Receiver {i}",
                url=f"http://127.0.0.1:{FIRST_PORT + i}/hook",
                event_types=["letter.registered"], scopes=["letters:read"],
            )  # fmt: skip
            secrets.append(secret)
    return tenant, letter, secrets


def _workers(count: int) -> list[subprocess.Popen[bytes]]:
    """``manage.py db_worker`` processes on the webhooks queue (the bench's copy:
    the environment carries its ``DATABASE_URL``)."""
    command = [sys.executable, str(PROJECT_DIR / "manage.py"), "db_worker",
               "--queue-name", "webhooks", "--interval", "0.1", "--no-startup-delay"]  # fmt: skip
    return [
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(count)
    ]


def _receivers(
    ports: list[int], secrets: list[str], out: Path
) -> subprocess.Popen[bytes]:
    """Receivers in their own process (they are other applications): on SIGTERM
    they write what they got to ``out``."""
    spec = json.dumps({"ports": ports, "secrets": secrets, "out": str(out)})
    return subprocess.Popen(
        [sys.executable, "-m", "bench.bench_webhooks", "--serve", spec]
    )


def _serve(spec: str) -> None:
    from warkat.webhooks.receiver import Receiver

    config = json.loads(spec)
    receivers = [
        Receiver(port=port, secrets=[secret]).start()
        for port, secret in zip(config["ports"], config["secrets"], strict=True)
    ]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    got = {r.port: [(x.msg_id, x.verified) for x in r.received] for r in receivers}
    for r in receivers:
        r.stop()
    Path(config["out"]).write_text(json.dumps(got))


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _delivered(tenant: Any, endpoint_ids: list[int]) -> int:
    from warkat.tenancy.scope import tenant_scope
    from warkat.webhooks.models import Delivery, DeliveryState

    with tenant_scope(tenant):
        return Delivery.objects.filter(
            endpoint_id__in=endpoint_ids, state=DeliveryState.DELIVERED
        ).count()


def _wait(tenant: Any, ids: list[int], want: int, deadline: float) -> float | None:
    while time.monotonic() < deadline:
        if _delivered(tenant, ids) >= want:
            return time.monotonic()
        time.sleep(0.25)
    return None


def run(*, events: int, endpoints: int, workers: int, limit: float) -> dict[str, Any]:
    from django.db import transaction

    from warkat.audit.services import audit_record
    from warkat.tenancy.scope import tenant_scope
    from warkat.webhooks.models import Attempt, Endpoint, Message

    tenant, letter, secrets = _setup(endpoints)
    with tenant_scope(tenant):
        ids = list(Endpoint.objects.order_by("pk").values_list("pk", flat=True))
    ports = [FIRST_PORT + i for i in range(endpoints)]
    outs = [COPY.with_suffix(".up.json"), COPY.with_suffix(".down.json")]
    up = _receivers(ports[:-1], secrets[:-1], outs[0])
    time.sleep(1.0)  # listening before the first event
    pool = _workers(workers)
    down = None
    result: dict[str, Any] = {"events": events, "endpoints": endpoints}
    try:
        started = time.monotonic()
        deadline = started + limit
        with tenant_scope(tenant):
            for _ in range(events):
                with transaction.atomic():
                    audit_record(
                        tenant=tenant, actor=None, action="letter.register",
                        obj=letter, data={"agenda": letter.agenda_label},
                    )  # fmt: skip
        result["produce_s"] = time.monotonic() - started
        done_up = _wait(tenant, ids[:-1], events * (endpoints - 1), deadline)
        result["up_s"] = (done_up - started) if done_up else None
        down = _receivers(ports[-1:], secrets[-1:], outs[1])
        back = time.monotonic()
        done_down = _wait(tenant, ids[-1:], events, back + limit)
        result["down_after_return_s"] = (done_down - back) if done_down else None
        with tenant_scope(tenant):
            result["attempts"] = Attempt.objects.count()
            result["down_attempts"] = Attempt.objects.filter(
                delivery__endpoint_id=ids[-1]
            ).count()
            sent = set(Message.objects.values_list("msg_id", flat=True))
    finally:
        for process in [*pool, up, *([down] if down else [])]:
            _stop(process)
    got: dict[str, list[list[Any]]] = {}
    for out in outs:
        if out.exists():
            got.update(json.loads(out.read_text()))
            out.unlink()
    result["messages"] = len(sent)
    result["lost"] = sum(
        len(sent - {m for m, ok in got.get(str(p), []) if ok}) for p in ports
    )
    result["duplicates"] = sum(
        len(rows) - len({m for m, _ok in rows}) for rows in got.values()
    )
    result["unverified"] = sum(1 for rows in got.values() for _m, ok in rows if not ok)
    return result


def _table(r: dict[str, Any], workers: int) -> str:
    def secs(value: float | None) -> str:
        return "not done" if value is None else f"{value:.1f} s"

    up_total = r["events"] * (r["endpoints"] - 1)
    rate = f"{up_total / r['up_s']:.0f}" if r.get("up_s") else "-"
    rows = [
        ("events x endpoints", f"{r['events']} x {r['endpoints']} (1 down)"),
        ("db_worker processes", str(workers)),
        ("events committed in", secs(r["produce_s"])),
        (f"{up_total} deliveries to the up ones", secs(r["up_s"])),
        ("deliveries/s (up endpoints)", rate),
        ("down endpoint's backlog after return", secs(r["down_after_return_s"])),
        ("attempts (all / to the down one)", f"{r['attempts']} / {r['down_attempts']}"),
        ("messages lost / duplicated / bad sig", f"{r['lost']} / {r['duplicates']} / {r['unverified']}"),
    ]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=180.0)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve)
        return
    if not 2 <= args.endpoints <= 50 or not 1 <= args.events <= 20000:
        parser.error("2-50 endpoints, 1-20000 events")
    if os.environ.get("DATABASE_URL", "sqlite").split(":", 1)[0] != "sqlite":
        parser.error("runs on its own SQLite copy: unset DATABASE_URL")
    os.environ["DATABASE_URL"] = f"sqlite:///{COPY}"
    os.environ.setdefault("WARKAT_WEBHOOK_RETRY_SECONDS", "1,2,4,8,16,32,64,128,256")
    os.environ.setdefault("WARKAT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    _copy_database()
    try:
        bootstrap()
        result = run(
            events=args.events, endpoints=args.endpoints,
            workers=args.workers, limit=args.limit,
        )  # fmt: skip
        print(_table(result, args.workers))
    finally:
        _remove_copy()


if __name__ == "__main__":
    main()
