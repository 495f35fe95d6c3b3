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
import shutil
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
    threads = Path(args.out).parent / "cpu-by-route"
    shutil.rmtree(threads, ignore_errors=True)
    threads.mkdir(parents=True)
    hooks = {"GUNICORN_CMD_ARGS": f"-c {PROJECT / 'bench' / 'gunicorn_cpu.py'}",
             "WARKAT_BENCH_CPU_DIR": str(threads)}  # fmt: skip
    cluster = MeasuredCluster(args.port, extra_env=hooks, durable=True, gunicorn_workers=args.gunicorn_workers,
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
        cluster.pg.sql("SELECT pg_stat_statements_reset()", db="warkat")
        before, routes_before = _cpu(cluster), _routes(threads)
        locust = subprocess.Popen(
            [BIN / "locust", "-f", PROJECT / "bench" / "locustfile.py", "--headless",
             "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
             "--run-time", f"{int(args.minutes * 60)}s", "--csv", out,
             "--only-summary", "--loglevel", "WARNING"],
            cwd=PROJECT, env=env,
        )  # fmt: skip
        usage = os.wait4(locust.pid, 0)[2]
        locust.returncode = 0
        after = _cpu(cluster)
        stop.set()
        cpu = {k: after[k] - before[k] for k in after}
        cpu["load generator"] = usage.ru_utime + usage.ru_stime
        code = _report(out, samples, args, target, cpu)
        _routes_report(routes_before, _routes(threads))
        _statements(cluster)
        return code
    finally:
        stop.set()
        # The hosts' and workers' logs outlive the cluster, for a failure's cause.
        logs = Path(args.out).parent / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        logs.mkdir(parents=True)
        for log in Path(cluster.root).glob("*.log"):
            shutil.copy(log, logs / log.name)
        cluster.stop()


class MeasuredCluster(Cluster):
    """The cluster, with ``pg_stat_statements`` loaded to see the database's work."""

    def _database(self) -> None:
        super()._database()
        self.pg.stop()
        with (self.pg.data / "postgresql.conf").open("a") as fh:
            fh.write("shared_preload_libraries = 'pg_stat_statements'\n"
                     "pg_stat_statements.track = all\n")  # fmt: skip
        self.pg.start()
        self.pg.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", db="warkat")


def _tree_cpu(root: int, parents: dict[int, int], times: dict[int, float]) -> float:
    """CPU seconds of ``root`` and its descendants, with the reaped (exited) ones
    that the kernel adds to their parent's children times."""
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def _cpu(cluster: Cluster) -> dict[str, float]:
    """CPU seconds used so far by each part of the cluster (from ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(f) for f in fields[11:15]) / tick
    postmaster = int((cluster.pg.data / "postmaster.pid").read_text().split()[0])
    roots = {
        "app hosts": [h.process.pid for h in cluster.hosts if h.process],
        "task workers": [w.process.pid for w in cluster.workers if w.process],
        "PostgreSQL": [postmaster],
        "S3 (moto)": [cluster.store.process.pid] if cluster.store.process else [],
    }
    return {k: sum(_tree_cpu(p, parents, times) for p in v) for k, v in roots.items()}


def _routes(folder: Path) -> dict[str, list[float]]:
    """Requests and thread CPU seconds by route so far, over all app processes."""
    totals: dict[str, list[float]] = {}
    for path in folder.glob("*.json"):
        for route, (n, cpu) in json.loads(path.read_text()).items():
            total = totals.setdefault(route, [0, 0.0])
            total[0] += n
            total[1] += cpu
    return totals


def _routes_report(
    before: dict[str, list[float]], after: dict[str, list[float]]
) -> None:
    print(
        "\napp CPU per request by route (the request's own thread, not the database's)"
    )
    print(f"{'route':<44} {'requests':>8} {'CPU ms':>7}")
    for route, (n, cpu) in sorted(after.items(), key=lambda kv: -kv[1][1]):
        n0, cpu0 = before.get(route, [0, 0.0])
        if n > n0:
            print(
                f"{route[:44]:<44} {n - n0:>8.0f} {1000 * (cpu - cpu0) / (n - n0):>7.1f}"
            )


def _statements(cluster: Cluster) -> None:
    """The database's statements by total time during the run (the app role's)."""
    rows = cluster.pg.sql(
        "SELECT calls, round(total_exec_time)::int, round(mean_exec_time::numeric, 2),"
        " left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements"
        " s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'warkat_app'"
        " ORDER BY total_exec_time DESC LIMIT 25",
        db="warkat",
    )  # fmt: skip
    calls = cluster.pg.sql(
        "SELECT sum(calls), round(sum(total_exec_time)) FROM pg_stat_statements s JOIN"
        " pg_roles r ON r.oid = s.userid WHERE r.rolname = 'warkat_app'", db="warkat"
    )  # fmt: skip
    print(f"\nstatements of the app role (calls, total ms): {calls}")
    print(f"{'calls':>7} {'total ms':>9} {'mean ms':>8}  statement")
    for row in rows.splitlines():
        n, total, mean, query = row.split("|", 3)
        print(f"{n:>7} {total:>9} {mean:>8}  {query}")


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
            target: float, cpu: dict[str, float]) -> int:  # fmt: skip
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
    requests = int(
        next((r["Request Count"] for r in rows if r["Name"] == "Aggregated"), 0)
    )
    server = sum(v for k, v in cpu.items() if k != "load generator")
    print(
        "CPU seconds during the run: "
        + ", ".join(f"{k} {v:.0f}" for k, v in cpu.items())
    )
    if requests:
        cores = os.cpu_count() or 1
        per = 1000 * server / requests
        with_load = per + 1000 * cpu["load generator"] / requests
        parts = ", ".join(f"{k} {1000 * v / requests:.1f}" for k, v in cpu.items())
        print(f"server CPU per request: {per:.1f} ms ({parts}); {cores} quiet cores "
              f"serve at most {cores * 1000 / per:.0f} req/s of this mix (load "
              f"generator elsewhere), {cores * 1000 / with_load:.0f} req/s with it "
              "on the same cores")  # fmt: skip
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
