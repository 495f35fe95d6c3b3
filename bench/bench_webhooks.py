"""Webhook fan-out benchmark: 1,000 events to 10 loopback receivers with one of them
down, through the real pipeline (audit event → outbox rows and drain task in the same
transaction → database task queue → ``manage.py task_worker`` processes on the
"webhooks" queue → signed HTTP POST to receivers in their own processes).

    DATABASE_URL=postgres://…/warkat_bench_NAME python -m bench.bench_webhooks \\
        [--events 1000] [--endpoints 10] [--workers 2] [--baseline REV]

Two runs side by side, each on its own copy of the (migrated) PostgreSQL database
(``CREATE DATABASE … TEMPLATE``, dropped afterwards), so the benchmark changes no
data it measures: "before" runs the task workers from the code of git revision
``--baseline`` (the sender of one request at a time, a new connection per request),
"now" from this tree (``--baseline ''`` skips the first). The events are produced by
this tree in both runs (capturing them did not change).

Every receiver runs in its own process (they are other applications) on a free
loopback port (through the tenant's internal host list) and verifies every signature
with the ``standardwebhooks`` library. One receiver is down — its port bound but not
listening, so connections are refused — until the others have everything; then it
listens and the time its backlog takes is measured. The retry schedule is compressed
(1 s, 2 s, 4 s …: the same code, shorter waits) so a run stays bounded; a run stops
after ``--limit`` seconds in any case. Prints a table: wall times (on a shared
machine: with the load average), the task workers' CPU time, attempts, and lost,
duplicated or badly signed messages.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench import PROJECT_DIR
from bench.pgcopy import copy_create, copy_drop, cpu_seconds

#: The sender before concurrent delivery over kept-alive connections.
BASELINE_REV = "7edb5f2"
#: Kabupaten of Papua for the bench's own tenant (the first one not in use).
CODES = ("91.11", "91.03", "91.05", "91.06", "91.10", "91.17")


def _setup(ports: list[int]) -> tuple[Any, Any, list[str]]:
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
            tenant=tenant,
            actor=None,
            unit=root,
            name="Bupati",
            code="BENCH.BUPATI",
            category="kepala_daerah",
            is_head=True,
        )
        letter = letter_register(
            actor=admin,
            unit=root,
            addressed_position=head,
            subject="Undangan rapat koordinasi SPBE",
            classification=ClassificationCode.objects.filter(code="000.1.1").first(),
            number="005/1/BENCH",
            letter_date=dt.date(2026, 11, 2),
            sender_institution="Dinas Kominfo Provinsi Papua",
            files=[
                SimpleUploadedFile("s.pdf", sample_pdf(["Surat"]), "application/pdf")
            ],
        )
        webhook_settings_set(actor=admin, internal_hosts=["127.0.0.1"])
        secrets = []
        for i, port in enumerate(ports):
            _endpoint, secret = endpoint_create(
                actor=admin,
                name=f"Receiver {i}",
                url=f"http://127.0.0.1:{port}/hook",
                event_types=["letter.registered"],
                scopes=["letters:read"],
            )
            secrets.append(secret)
    return tenant, letter, secrets


# --- receivers: one process each ----------------------------------------------


def _serve(spec: str) -> None:
    """A receiver process. Prints its port; a "down" one holds its port bound but
    not listening (connections refused) until SIGUSR1. The secret is read from
    stdin; on SIGTERM it writes what it got to the ``out`` file."""
    from warkat.webhooks.receiver import Receiver

    config = json.loads(spec)
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    if not config["down"]:
        holder.close()
    print(port, flush=True)
    secret = sys.stdin.readline().strip()
    receiver = Receiver(port=port, secrets=[secret])
    up = threading.Event()

    def listen(*_: Any) -> None:
        holder.close()
        receiver.start()
        up.set()

    stop = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: threading.Thread(target=listen).start())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if not config["down"]:
        listen()
    stop.wait()
    got = [(x.msg_id, x.verified) for x in receiver.received]
    if up.is_set():
        receiver.stop()
    Path(config["out"]).write_text(json.dumps(got))


class _Receivers:
    def __init__(self, count: int, folder: Path) -> None:
        self.outs = [folder / f"receiver-{i}.json" for i in range(count)]
        self.processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.bench_webhooks",
                    "--serve",
                    json.dumps({"down": i == count - 1, "out": str(out)}),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=PROJECT_DIR,
            )
            for i, out in enumerate(self.outs)
        ]
        self.ports = [int(p.stdout.readline()) for p in self.processes]  # type: ignore[union-attr]

    def secrets(self, secrets: list[str]) -> None:
        for process, secret in zip(self.processes, secrets, strict=True):
            assert process.stdin is not None
            process.stdin.write(secret + "\n")
            process.stdin.flush()

    def bring_up_last(self) -> None:
        self.processes[-1].send_signal(signal.SIGUSR1)

    def stop(self) -> list[list[tuple[str, bool]]]:
        for process in self.processes:
            _stop(process)
        return [json.loads(o.read_text()) if o.exists() else [] for o in self.outs]


# --- task workers ----------------------------------------------------------------


def _workers(count: int, code_dir: Path) -> list[subprocess.Popen[bytes]]:
    command = [sys.executable, str(code_dir / "manage.py"), "task_worker",
               "--queue-name", "webhooks", "--interval", "0.1", "--no-startup-delay"]  # fmt: skip
    env = {
        **os.environ,
        "WARKAT_VAR_DIR": str(PROJECT_DIR / "var"),
        # As the app role: row-level security applies to the workers' queries.
        "DATABASE_URL": os.environ["WARKAT_BENCH_WORKER_URL"],
    }
    return [
        subprocess.Popen(
            command,
            cwd=code_dir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def _stop(process: subprocess.Popen[Any]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# --- one run -------------------------------------------------------------------


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


def _django() -> None:
    from bench import bootstrap

    bootstrap(migrate=False)


def prepare(*, events: int, endpoints: int) -> dict[str, Any]:
    """The tenant, its subscriptions and the events (their drain tasks wait in the
    queue: no worker runs yet). Both runs start from a copy of this database."""
    _django()
    from django.db import transaction

    from warkat.audit.services import audit_record
    from warkat.tenancy.scope import tenant_scope
    from warkat.webhooks.models import Endpoint

    # Placeholder ports: each run points the subscriptions at its own receivers.
    tenant, letter, secrets = _setup([9] * endpoints)
    started = time.monotonic()
    with tenant_scope(tenant):
        for _ in range(events):
            with transaction.atomic():
                audit_record(
                    tenant=tenant, actor=None, action="letter.register",
                    obj=letter, data={"agenda": letter.agenda_label},
                )  # fmt: skip
        ids = list(Endpoint.objects.order_by("pk").values_list("pk", flat=True))
    return {
        "tenant": tenant.pk,
        "endpoint_ids": ids,
        "secrets": secrets,
        "produce_s": time.monotonic() - started,
    }


def run_one(
    *, prepared: dict[str, Any], workers: int, limit: float, code_dir: Path
) -> dict[str, Any]:
    _django()
    from warkat.tenancy.models import Tenant
    from warkat.tenancy.scope import tenant_scope
    from warkat.webhooks.models import Attempt, Endpoint, Message

    ids, secrets = prepared["endpoint_ids"], prepared["secrets"]
    events = Message.objects.with_scopes_disabled().count()
    folder = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    receivers = _Receivers(len(ids), folder)
    pool: list[subprocess.Popen[bytes]] = []
    result: dict[str, Any] = {"events": events, "endpoints": len(ids)}
    try:
        tenant = Tenant.objects.get(pk=prepared["tenant"])
        receivers.secrets(secrets)
        with tenant_scope(tenant):
            for pk, port in zip(ids, receivers.ports, strict=True):
                Endpoint.objects.filter(pk=pk).update(
                    url=f"http://127.0.0.1:{port}/hook"
                )
        time.sleep(1.0)  # the receivers listening
        result["load_start"] = os.getloadavg()[0]
        pool = _workers(workers, code_dir)
        started = time.monotonic()
        deadline = started + limit
        done_up = _wait(tenant, ids[:-1], events * (len(ids) - 1), deadline)
        result["up_s"] = (done_up - started) if done_up else None
        receivers.bring_up_last()
        back = time.monotonic()
        done_down = _wait(tenant, ids[-1:], events, back + limit)
        result["down_after_return_s"] = (done_down - back) if done_down else None
        result["load_end"] = os.getloadavg()[0]
        result["worker_cpu_s"] = cpu_seconds([p.pid for p in pool])
        with tenant_scope(tenant):
            result["attempts"] = Attempt.objects.count()
            result["down_attempts"] = Attempt.objects.filter(
                delivery__endpoint_id=ids[-1]
            ).count()
            sent = set(Message.objects.values_list("msg_id", flat=True))
    finally:
        for process in pool:
            _stop(process)
        got = receivers.stop()
    result["lost"] = sum(len(sent - {m for m, ok in rows if ok}) for rows in got)
    result["duplicates"] = sum(len(rows) - len({m for m, _ok in rows}) for rows in got)
    result["unverified"] = sum(1 for rows in got for _m, ok in rows if not ok)
    return result


# --- the two runs side by side ----------------------------------------------------


def _baseline_tree(rev: str, folder: Path) -> Path:
    """The code of ``rev`` (``git archive``) in ``folder``."""
    archive = subprocess.run(
        ["git", "archive", rev, "manage.py", "warkat"],
        cwd=PROJECT_DIR, check=True, capture_output=True,
    ).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def _subprocess(args: list[str], env: dict[str, str], what: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_webhooks", *args],
        cwd=PROJECT_DIR, env={**os.environ, **env}, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"{what} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _phase(
    prep_url: str, name: str, code_dir: Path, prepared: dict[str, Any], limit: float,
    workers: int,
) -> Any:  # fmt: skip
    copy, copy_url, app_url = copy_create(prep_url, name)
    try:
        return _subprocess(
            ["--one", str(code_dir), "--prepared", json.dumps(prepared),
             "--workers", str(workers), "--limit", str(limit)],
            {"DATABASE_URL": copy_url, "WARKAT_BENCH_WORKER_URL": app_url},
            f"the {name} run",
        )  # fmt: skip
    finally:
        copy_drop(prep_url, copy)


def _table(runs: dict[str, dict[str, Any]], workers: int) -> str:
    def secs(value: float | None) -> str:
        return "not done" if value is None else f"{value:.1f} s"

    def rows(r: dict[str, Any]) -> list[str]:
        up_total = r["events"] * (r["endpoints"] - 1)
        rate = f"{up_total / r['up_s']:.0f}" if r.get("up_s") else "-"
        return [
            f"{r['events']} x {r['endpoints']} (1 down)",
            secs(r["up_s"]),
            rate,
            secs(r["down_after_return_s"]),
            f"{r['worker_cpu_s']:.1f} s",
            f"{r['attempts']} / {r['down_attempts']}",
            f"{r['lost']} / {r['duplicates']} / {r['unverified']}",
            f"{r['load_start']:.1f} → {r['load_end']:.1f}",
        ]

    labels = [
        "events x endpoints",
        "deliveries to the 9 up ones (wall)",
        "deliveries/s (up endpoints)",
        "down one's backlog after return",
        f"CPU of the {workers} task workers",
        "attempts (all / to the down one)",
        "not received at the end / dup. / bad sig.",
        "load average (1 min) start → end",
    ]
    columns = {name: rows(r) for name, r in runs.items()}
    width = max(len(label) for label in labels)
    widths = {n: max(len(n), *(len(v) for v in c)) for n, c in columns.items()}
    head = " " * width + "  " + "  ".join(n.rjust(widths[n]) for n in columns)
    lines = [head]
    for i, label in enumerate(labels):
        cells = "  ".join(c[i].rjust(widths[n]) for n, c in columns.items())
        lines.append(f"{label.ljust(width)}  {cells}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=240.0)
    parser.add_argument("--baseline", default=BASELINE_REV)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepared", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve)
        return
    os.environ.setdefault("WARKAT_WEBHOOK_RETRY_SECONDS", "1,2,4,8,16,32,64,128,256")
    os.environ.setdefault("WARKAT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    if args.prepare:
        print(json.dumps(prepare(events=args.events, endpoints=args.endpoints)))
        return
    if args.one:
        result = run_one(
            prepared=json.loads(args.prepared), workers=args.workers,
            limit=args.limit, code_dir=Path(args.one),
        )  # fmt: skip
        print(json.dumps(result))
        return
    if not 2 <= args.endpoints <= 50 or not 1 <= args.events <= 20000:
        parser.error("2-50 endpoints, 1-20000 events")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must name a migrated PostgreSQL database")
    runs: dict[str, dict[str, Any]] = {}
    prep, prep_url, _app = copy_create(url, "wh")
    try:
        prepared = _subprocess(
            ["--prepare", "--events", str(args.events),
             "--endpoints", str(args.endpoints)],
            {"DATABASE_URL": prep_url}, "preparing the events",
        )  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="bench-webhooks-code-") as folder:
            phases = [("now", PROJECT_DIR)]
            if args.baseline:
                tree = _baseline_tree(args.baseline, Path(folder))
                phases.insert(0, ("before", tree))
            for name, code_dir in phases:
                label = f"before ({args.baseline})" if name == "before" else name
                runs[label] = _phase(
                    prep_url, name, code_dir, prepared, args.limit, args.workers
                )
    finally:
        copy_drop(url, prep)
    print(f"{args.events} events committed one per transaction in "
          f"{prepared['produce_s']:.0f} s before the workers started (not timed below)")  # fmt: skip
    print(_table(runs, args.workers))


if __name__ == "__main__":
    main()
