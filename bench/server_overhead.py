"""What the app server itself costs per request: ``python -m bench.server_overhead``.

Serves a WSGI application that only reads the body and answers 201 with a check-in
sized JSON body (``application`` below) with granian (the production server,
``scripts/serve``'s flags) and with gunicorn's threaded worker (the previous one),
each with ``--workers`` x ``--threads``, and sends both the same keep-alive POSTs
from ``--clients`` client threads on this machine (``--requests`` each, a short
pause between two). Prints the CPU per request of the server's process tree
(``psutil``: user + system, children included; CPU time, so comparable on a loaded
machine) and the median wall-clock latency, ``--rounds`` times in turn.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from bench.checkin_peak import free_port, tree_cpu
from bench.cluster import BIN, PROJECT

BODY = b'{"latitude": -2.9, "longitude": 140.7, "accuracy_m": 15, "client_key": "k"}'
ANSWER = b'{"id": 1, "created": true, "flags": []}' * 10


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response(
        "201 Created",
        [("Content-Type", "application/json"), ("Content-Length", str(len(ANSWER)))],
    )
    return [ANSWER]


def command(server: str, port: int, workers: int, threads: int) -> list[str]:
    if server == "granian":  # the flags of scripts/serve
        return [sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws",
                "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--blocking-threads", str(threads), "--blocking-threads-idle-timeout",
                "600", "bench.server_overhead:application"]  # fmt: skip
    return [str(BIN / "gunicorn"), "bench.server_overhead", "-b", f"127.0.0.1:{port}",
            "--workers", str(workers), "--threads", str(threads), "--keep-alive", "30",
            "--no-control-socket"]  # fmt: skip


def measure(server: str, args: argparse.Namespace) -> tuple[float, float]:
    port = free_port()
    proc = subprocess.Popen(
        command(server, port, args.workers, args.threads), cwd=PROJECT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("POST", "/", BODY)
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{server} did not start") from None
                time.sleep(0.2)
        latencies: list[float] = []

        def client() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(args.requests):
                started = time.perf_counter()
                conn.request("POST", "/api/v1/attendance/check-ins", BODY,
                             {"Content-Type": "application/json"})  # fmt: skip
                conn.getresponse().read()
                latencies.append(time.perf_counter() - started)
                time.sleep(0.01)
            conn.close()

        before = tree_cpu(proc.pid)
        clients = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        cpu = tree_cpu(proc.pid) - before
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    latencies.sort()
    return cpu * 1000 / len(latencies), latencies[len(latencies) // 2] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"server CPU per request, {args.workers} workers x {args.threads} threads, "
          f"{args.clients} keep-alive clients x {args.requests} POSTs")  # fmt: skip
    for _ in range(args.rounds):
        for server in ("gunicorn", "granian"):
            cpu, p50 = measure(server, args)
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"{server:<9} {cpu:6.3f} ms CPU/request  p50 {p50:5.1f} ms  load {load}",
                  flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
