"""What the app server itself costs per request: ``python -m bench.server_overhead``.

Serves a WSGI application that only reads the body and answers 201 with a check-in
sized JSON body (``application`` below) with each candidate of ``--servers``
(``bench.servers``: ``kind:WxT``; by default gunicorn's threaded worker and
granian with ``scripts/serve``'s flags, both 2 x 8), in turn, ``--rounds`` times,
and sends each the same load:

* ``--load clients``: keep-alive POSTs from ``--clients`` client threads on this
  machine (``--requests`` each, a short pause between two);
* ``--load poisson``: the morning peak's phones (``bench/checkin_locust.py``,
  API tokens, Poisson taps of 2 a second each) at ``--rate`` for ``--seconds``,
  ``rate / 2`` keep-alive connections, as ``bench.checkin_peak`` drives Locust.

Prints the CPU per request of the server's process tree (``psutil``: user +
system, children included; CPU time, so comparable on a loaded machine), the
median and 99th-percentile wall-clock latency and the load average.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench import servers
from bench.checkin_peak import free_port, locust_run, tree_cpu
from bench.cluster import PROJECT

BODY = b'{"latitude": -2.9, "longitude": 140.7, "accuracy_m": 15, "client_key": "k"}'
ANSWER = json.dumps({"id": 1, "created": True, "flags": [], "at": "x" * 340}).encode()
DEFAULT = ["gunicorn:2x8", "granian:2x8"]


def application(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response(
        "201 Created",
        [("Content-Type", "application/json"), ("Content-Length", str(len(ANSWER)))],
    )
    return [ANSWER]


def _post(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("POST", "/", BODY)
    return conn.getresponse().read() == ANSWER


def clients(port: int, args: argparse.Namespace) -> list[float]:
    """Latencies (s) of ``--clients`` threads sending back to back."""
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

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def poisson(port: int, args: argparse.Namespace, run_dir: Path) -> dict[str, float]:
    """Locust's phones at ``--rate``: requests done, p50 and p99 (ms), failures."""
    seed = run_dir / "seed.json"
    people = [{"lat": -2.9, "lon": 140.7, "token": f"t{i}"} for i in range(50)]
    seed.write_text(json.dumps({"peak": {"people": people}}))
    users = max(1, round(args.rate / 2))
    env = {**os.environ, "WARKAT_LOAD_SEED": str(seed), "WARKAT_LOAD_PER_USER": "2",
           "WARKAT_LOAD_HOST": f"http://127.0.0.1:{port}", "WARKAT_LOAD_AUTH": "token"}  # fmt: skip
    prefix = run_dir / "locust"
    locust_run(users=users, seconds=args.seconds, csv_prefix=prefix, env=env,
               timeout=args.seconds + 60)  # fmt: skip
    with Path(f"{prefix}_stats.csv").open() as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "POST check-in")
    return {"done": int(row["Request Count"]), "p50": float(row["50%"]),
            "p99": float(row["99%"]), "failed": int(row["Failure Count"]),
            "rate": float(row["Requests/s"])}  # fmt: skip


def measure(spec: str, args: argparse.Namespace) -> dict[str, float]:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="warkat-server-") as tmp:
        run_dir = Path(tmp)
        cmd = servers.command(spec, "bench.server_overhead:application", port, run_dir)
        proc = subprocess.Popen(
            cmd, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if _post(port):
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{spec} did not start")
                time.sleep(0.2)
            before = tree_cpu(proc.pid)
            if args.load == "clients":
                latencies = sorted(clients(port, args))
                cpu = tree_cpu(proc.pid) - before
                n = len(latencies)
                result = {"done": n, "p50": latencies[n // 2] * 1000,
                          "p99": latencies[n * 99 // 100] * 1000, "failed": 0}  # fmt: skip
            else:
                result = poisson(port, args, run_dir)
                cpu = tree_cpu(proc.pid) - before
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    result["cpu_ms"] = cpu * 1000 / max(1, result["done"])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", nargs="+", default=DEFAULT,
                        help=f"candidates, kind:WxT; kinds: {', '.join(servers.KINDS)}")  # fmt: skip
    parser.add_argument("--load", choices=["clients", "poisson"], default="clients")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    load = (f"{args.clients} keep-alive clients x {args.requests} POSTs"
            if args.load == "clients" else
            f"Locust's Poisson phones, {args.rate:.0f}/s for {args.seconds} s")  # fmt: skip
    print(f"server CPU per request, {load}")
    print(f"{'server':<20} {'CPU ms/req':>10} {'done':>6} {'p50 ms':>6} {'p99 ms':>6} "
          f"{'failed':>6}  load avg")  # fmt: skip
    for _ in range(args.rounds):
        for spec in args.servers:
            r = measure(spec, args)
            avg = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"{spec:<20} {r['cpu_ms']:>10.3f} {r['done']:>6.0f} {r['p50']:>6.1f} "
                  f"{r['p99']:>6.1f} {r['failed']:>6.0f}  {avg}", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
