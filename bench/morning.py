"""The Pemda morning load test: ``python -m bench.morning``.

Starts the two-host installation of ``bench.cluster`` (its own PostgreSQL with
durable settings, S3, two gunicorn hosts, two task workers), runs
``bench/locustfile.py`` headless against both hosts (round robin) for
``--minutes`` at ``--factor`` times the morning peak of a 5,000-person tenant (with
``--people`` generated people with accounts, see ``bench.cluster_people``), and
samples the database's connections of the app role and the task queue's depth
every two seconds. Prints p50/p95/p99 and failures per route, the request rate,
the largest connection count and queue depth seen, and a summary line comparing
the achieved request rate with the target; exits non-zero on any
failed request. Nothing outside its temporary cluster is touched.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.cluster import BIN, PROJECT, Cluster

BASE_PORT = 18850


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--factor", type=float, default=2.0,
                        help="times the morning peak (default 2)")  # fmt: skip
    parser.add_argument("--people", type=int, default=5000,
                        help="people with accounts in the tenant (default 5000)")  # fmt: skip
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=BASE_PORT)
    parser.add_argument("--out", default=str(PROJECT / "bench" / "out" / "morning"))
    args = parser.parse_args()

    # One signature per signer and 30-second window, for the whole run.
    drafts = int(args.minutes * 2) + 2
    cluster = Cluster(args.port, durable=True, gunicorn_workers=args.gunicorn_workers,
                      drafts=drafts, people=args.people)  # fmt: skip
    samples: list[tuple[int, int]] = []
    stop = threading.Event()
    try:
        started = time.monotonic()
        cluster.start()
        print(f"cluster ready in {time.monotonic() - started:.0f} s", flush=True)
        seed = Path(cluster.root) / "seed.json"
        seed.write_text(json.dumps(cluster.seed))
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)

        def sample() -> None:
            while not stop.wait(2):
                try:
                    samples.append((cluster.connections(), cluster.queue_depth()))
                except Exception as exc:
                    print(f"sample failed: {exc}", file=sys.stderr)

        threading.Thread(target=sample, daemon=True).start()
        env = {**os.environ, "WARKAT_LOAD_SEED": str(seed),
               "WARKAT_LOAD_HOSTS": ",".join(h.url for h in cluster.hosts),
               "WARKAT_LOAD_FACTOR": str(args.factor)}  # fmt: skip
        users, target = _plan(env)
        subprocess.run(
            [BIN / "locust", "-f", PROJECT / "bench" / "locustfile.py", "--headless",
             "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
             "--run-time", f"{int(args.minutes * 60)}s", "--csv", out,
             "--only-summary", "--loglevel", "WARNING"],
            cwd=PROJECT, env=env, check=False,
        )  # fmt: skip
        stop.set()
        return _report(out, samples, args, target)
    finally:
        stop.set()
        cluster.stop()


def _plan(env: dict[str, str]) -> tuple[int, float]:
    """The total of the user classes' fixed counts and the target request rate
    (computed by the locustfile, in a process of its own: importing Locust patches
    the standard library)."""
    code = (
        "import bench.locustfile as f; print(sum(c.fixed_count for c in "
        "[f.SignIn, f.CheckIn, f.Reader, f.Registrar, f.Disposer, f.Signer]), "
        "f.target_rate())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    users, target = out.stdout.strip().splitlines()[-1].split()
    return int(users), float(target)


def _report(out: Path, samples: list[tuple[int, int]], args: argparse.Namespace,
            target: float) -> int:  # fmt: skip
    with Path(f"{out}_stats.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nPemda morning x{args.factor:g}, {args.people} people, {args.minutes:g} "
          f"min, 2 app hosts, {os.cpu_count()} CPUs, load average {load}")  # fmt: skip
    print(f"{'route':<24} {'requests':>8} {'failed':>6} {'req/s':>6} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")  # fmt: skip
    failures, achieved = 0, 0.0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        failures += int(row["Failure Count"]) if name != "all" else 0
        achieved = float(row["Requests/s"]) if name == "all" else achieved
        print(f"{name:<24} {row['Request Count']:>8} {row['Failure Count']:>6} "
              f"{float(row['Requests/s']):>6.1f} {row['50%']:>7} {row['95%']:>7} "
              f"{row['99%']:>7}")  # fmt: skip
    if samples:
        conns = [c for c, _ in samples]
        depth = [d for _, d in samples]
        print(f"database connections (app role): max {max(conns)}, "
              f"mean {sum(conns) / len(conns):.1f}; queue depth: max {max(depth)}, "
              f"last {depth[-1]} ({len(samples)} samples)")  # fmt: skip
    print(f"SUMMARY: {achieved:.1f} req/s achieved of {target:.1f} req/s target "
          f"({100 * achieved / target:.0f}%), {failures} failed requests"
          + (f", max {max(c for c, _ in samples)} DB connections, max queue depth "
             f"{max(d for _, d in samples)}" if samples else ""))  # fmt: skip
    failed = Path(f"{out}_failures.csv")
    if failures and failed.exists():
        print(failed.read_text()[:2000])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
