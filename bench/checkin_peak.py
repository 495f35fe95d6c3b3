"""The morning check-in peak through the real server: ``python -m bench.checkin_peak``.

Starts its own PostgreSQL (durable settings, ``pg_stat_statements``, on a free
port, in a temporary directory), a Redis for the shared cache, and the app server
with the production settings (``scripts/serve``, ``--workers`` x ``--threads``;
``WARKAT_PRODUCTION=1``, debug off; ``--server`` adds or picks other servers,
``bench.servers``: ``granian:2x8``, ``uwsgi:16``, ``gunicorn:2x4`` …, each run
at every rate in turn) for two versions of
the code: the *baseline* (``--baseline``, a git revision exported into the
temporary directory) and *now* (this checkout). For each version and each rate in
``--rates`` it copies the seeded database (``CREATE DATABASE … TEMPLATE``: every run
starts from the same data and people who have not checked in yet), starts
the server on it and drives ``bench/checkin_locust.py`` headless for ``--seconds``,
then prints per run: achieved check-ins per second, p50/p99 (Locust, wall clock),
CPU per check-in of the server's processes and of all PostgreSQL processes (from
``psutil``: user + system of the process trees, reaped children included),
statements per check-in (``pg_stat_statements`` of the app role, every statement
counted), the WAL flushes per check-in and their mean time (``pg_stat_wal``: a
commit waits for one), new records, failures and the load average. The app role is
``NOSUPERUSER NOBYPASSRLS``: row-level security applies.

The seeded data directory (``bench.checkin_seed``: a 5,000-person tenant with a
month of history, and ``--peak-people`` people for the peak) is cached in
``var/checkin-cache`` under a digest of the migrations and the seed code.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import requests

from bench import servers
from bench.cluster import BIN, PROJECT, SECRET, Postgres, wait_for
from bench.setup_cache import fingerprint
from warkat.sso.keys import new_key_pem

CACHE = PROJECT / "var" / "checkin-cache"


def locust_run(
    *, users: int, seconds: int, csv_prefix: Any, env: dict[str, str],
    timeout: float | None = None,
) -> None:  # fmt: skip
    """Locust headless with ``bench/checkin_locust.py`` (the phones), ``users``
    started in fifths, for ``seconds``; its summary in ``csv_prefix``_stats.csv."""
    subprocess.run(
        [BIN / "locust", "-f", PROJECT / "bench" / "checkin_locust.py", "--headless",
         "--users", str(users), "--spawn-rate", str(max(1, users // 5)),
         "--run-time", f"{seconds}s", "--csv", csv_prefix, "--only-summary",
         "--loglevel", "WARNING", "--stop-timeout", "5"],
        cwd=PROJECT, env=env, check=False, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if timeout is not None else None, timeout=timeout,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process, its reaped children and its live descendants."""
    proc = psutil.Process(pid)
    t = proc.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in proc.children(recursive=True):
        try:
            c = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += c.user + c.system
    return total


def export_revision(revision: str, target: Path) -> Path:
    """A git revision exported into ``target`` (with this checkout's compiled
    messages), to run the baseline beside this checkout."""
    target.mkdir()
    archive = subprocess.run(["git", "archive", revision], cwd=PROJECT,
                             check=True, capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
    for mo in PROJECT.glob("warkat/**/*.mo"):
        dest = target / mo.relative_to(PROJECT)
        if dest.parent.exists():
            shutil.copy2(mo, dest)
    return target


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.root = Path(tempfile.mkdtemp(prefix="warkat-checkin-"))
        self.root.chmod(0o755)
        self.pg = Postgres(self.root, free_port(), durable=True)
        self.redis_port = free_port()
        self.redis: subprocess.Popen[bytes] | None = None
        self.seed: dict[str, Any] = {}
        self.oidc = new_key_pem()

    # --- set-up -------------------------------------------------------------------
    def env(self, code: Path, db: str) -> dict[str, str]:
        keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ"}
        env = {k: v for k, v in os.environ.items() if k in keep}
        var = self.root / f"var-{code.name}"
        var.mkdir(exist_ok=True)
        env.update(
            PYTHONPATH=str(code), DATABASE_URL=self.pg.url(db=db),
            WARKAT_SECRET_KEY=SECRET, WARKAT_OIDC_KEY=self.oidc,
            WARKAT_ALLOWED_HOSTS="127.0.0.1,localhost", WARKAT_PRODUCTION="1",
            WARKAT_REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            WARKAT_VAR_DIR=str(var), WARKAT_LOG_LEVEL="WARNING",
        )  # fmt: skip
        return env

    def database(self) -> None:
        version = fingerprint("warkat/**/migrations/*.py", "bench/checkin_seed.py",
                              "bench/cluster_people.py", "bench/orgdata.py")  # fmt: skip
        a = self.args
        cached = CACHE / f"db-{version}-{a.people}-{a.peak_people}"
        if not cached.exists():
            self.pg.init()
            self._preload()
            self.pg.start()
            self.pg.sql("CREATE ROLE warkat_app LOGIN NOSUPERUSER NOBYPASSRLS")
            self.pg.sql("CREATE DATABASE warkat OWNER warkat_app")
            env = self.env(PROJECT, "warkat")
            for cmd in (["migrate", "--no-input", "-v0"], ["createcachetable", "-v0"]):
                subprocess.run([sys.executable, "manage.py", *cmd], cwd=PROJECT,
                               env=env, check=True, timeout=1800)  # fmt: skip
            out = subprocess.run(
                [sys.executable, "-m", "bench.checkin_seed", "--people", str(a.people),
                 "--peak-people", str(a.peak_people)],
                cwd=PROJECT, env=env, capture_output=True, text=True, timeout=1800,
            )  # fmt: skip
            if out.returncode:
                raise RuntimeError(f"seeding failed:\n{out.stderr[-4000:]}")
            self.pg.sql("VACUUM ANALYZE", db="warkat")
            self.pg.stop()
            making = cached.with_name(cached.name + f".{os.getpid()}")
            making.mkdir(parents=True)
            subprocess.run(["cp", "-a", self.pg.data, making / "data"], check=True)
            (making / "seed.json").write_text(out.stdout.strip().splitlines()[-1])
            making.rename(cached)
            shutil.rmtree(self.pg.home)
        self.pg.home.mkdir(parents=True)
        subprocess.run(["cp", "-a", cached / "data", self.pg.data], check=True)
        if os.geteuid() == 0:
            shutil.chown(self.pg.home, "postgres", "postgres")
        self.pg.configure()
        with (self.pg.data / "postgresql.conf").open("a") as fh:
            fh.write("track_wal_io_timing = on\n")  # the commits' flushes, timed
        self.seed = json.loads((cached / "seed.json").read_text())
        (self.root / "seed.json").write_text(json.dumps(self.seed))
        self.pg.start()
        self.pg.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", db="warkat")
        if a.auth == "session":  # signed-in browsers, in the template of every run
            subprocess.run(
                [sys.executable, "-m", "bench.checkin_sessions", self.root / "seed.json"],
                cwd=PROJECT, env=self.env(PROJECT, "warkat"), check=True, timeout=600,
            )  # fmt: skip
            self.seed = json.loads((self.root / "seed.json").read_text())

    def _preload(self) -> None:
        with (self.pg.data / "postgresql.conf").open("a") as fh:
            fh.write("shared_preload_libraries = 'pg_stat_statements'\n"
                     "pg_stat_statements.track_utility = on\n")  # fmt: skip

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def baseline_code(self) -> Path:
        return export_revision(self.args.baseline, self.root / "baseline")

    # --- one run ------------------------------------------------------------------
    def run(self, label: str, code: Path, rate: float, server: str) -> dict[str, Any]:
        db = f"run_{label}_{int(rate)}"
        self.pg.sql(f"CREATE DATABASE {db} TEMPLATE warkat OWNER warkat_app")
        port = free_port()
        env = self.env(code, db)
        log = (self.root / f"server-{db}.log").open("ab")
        a = self.args
        if server == "serve":  # the production command (README, "App hosts")
            env.update(WARKAT_HOST="127.0.0.1", WARKAT_PORT=str(port),
                       WARKAT_WORKERS=str(a.workers), WARKAT_THREADS=str(a.threads),
                       WARKAT_PYTHON=sys.executable)  # fmt: skip
            cmd: list[str | Path] = [PROJECT / "scripts" / "serve"]
        else:
            run_dir = self.root / f"sock-{db}"
            run_dir.mkdir()
            cmd = [*servers.command(server, "warkat.config.wsgi:application", port,
                                    run_dir)]  # fmt: skip
        app = subprocess.Popen(
            cmd, cwd=code, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(lambda: requests.get(f"{url}/healthz", timeout=2).ok,
                     timeout=120, what=server)  # fmt: skip
            self._warm(url)
            return self._measure(db, url, app.pid, rate)
        finally:
            os.killpg(app.pid, 15)
            app.wait(timeout=30)
            self.pg.sql(f"DROP DATABASE {db} WITH (FORCE)")

    def _warm(self, url: str) -> None:
        """A few check-ins of the board tenant (not measured) so every worker has
        imported and connected before the clock starts."""
        people = self.seed["board"]["people"][-40:]
        for p in people:
            requests.post(f"{url}/api/v1/attendance/check-ins", timeout=30,
                          headers={"Authorization": f"Bearer {p['token']}"},
                          json={"latitude": p["lat"], "longitude": p["lon"],
                                "accuracy_m": 15})  # fmt: skip

    def _counts(self, db: str) -> tuple[int, int]:
        tenant = self.seed["peak"]["tenant"]
        made = self.pg.sql(
            f"SELECT count(*) FROM attendance_checkin WHERE tenant_id = {tenant}", db=db
        )
        calls = self.pg.sql(
            "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_roles r "
            "ON r.oid = s.userid WHERE r.rolname = 'warkat_app'",
            db=db,
        )
        return int(made), int(calls)

    def _measure(self, db: str, url: str, app_pid: int, rate: float) -> dict[str, Any]:
        a = self.args
        pg_pid = int((self.pg.data / "postmaster.pid").read_text().split()[0])
        users = max(1, round(rate / a.per_user))
        csv_prefix = self.root / f"locust-{db}"
        env = {**os.environ, "WARKAT_LOAD_SEED": str(self.root / "seed.json"),
               "WARKAT_LOAD_HOST": url, "WARKAT_LOAD_PER_USER": str(a.per_user),
               "WARKAT_LOAD_AUTH": a.auth}  # fmt: skip
        self.pg.sql("SELECT pg_stat_statements_reset()", db=db)
        self.pg.sql("SELECT pg_stat_reset_shared('wal')")
        made0, calls0 = self._counts(db)
        app0, pg0 = tree_cpu(app_pid), tree_cpu(pg_pid)
        redis0 = tree_cpu(self.redis.pid) if self.redis else 0.0
        started = time.monotonic()
        locust_run(users=users, seconds=a.seconds, csv_prefix=csv_prefix, env=env)
        elapsed = time.monotonic() - started
        app1, pg1 = tree_cpu(app_pid), tree_cpu(pg_pid)
        redis1 = tree_cpu(self.redis.pid) if self.redis else 0.0
        load = os.getloadavg()
        made1, calls1 = self._counts(db)
        syncs, sync_ms = self.pg.sql(  # WAL flushes (commits) and their time
            "SELECT wal_sync || ' ' || wal_sync_time FROM pg_stat_wal"
        ).split()
        with Path(f"{csv_prefix}_stats.csv").open() as fh:
            row = next(r for r in csv.DictReader(fh) if r["Name"] == "POST check-in")
        requests_done = int(row["Request Count"])
        elapsed = requests_done / max(float(row["Requests/s"]), 1e-9)
        top = self.pg.sql(
            "SELECT calls || ' ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 90) "
            "FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
            "WHERE r.rolname = 'warkat_app' ORDER BY calls DESC LIMIT 12",
            db=db,
        )
        (CACHE.parent / f"checkin-statements-{db}.txt").write_text(top)
        n = max(1, requests_done)
        return {
            "rate": rate, "achieved": requests_done / elapsed,
            "p50": row["50%"], "p99": row["99%"], "failures": int(row["Failure Count"]),
            "app_ms": (app1 - app0) * 1000 / n, "pg_ms": (pg1 - pg0) * 1000 / n,
            "redis_ms": (redis1 - redis0) * 1000 / n,
            "statements": (calls1 - calls0) / n, "made": made1 - made0,
            "requests": requests_done, "load": load,
            "syncs": int(syncs) / n, "sync_ms": float(sync_ms) / max(1, int(syncs)),
        }  # fmt: skip

    def board(self, label: str, code: Path) -> dict[str, Any]:
        """``bench/checkin_board.py`` against a copy of the database, with ``code``."""
        db = f"board_{label}"
        self.pg.sql(f"CREATE DATABASE {db} TEMPLATE warkat OWNER warkat_app")
        a = self.args
        env = {**self.env(code, db), "WARKAT_LOAD_SEED": str(self.root / "seed.json")}
        if not (Path(env["WARKAT_VAR_DIR"]) / "static").exists():  # pages need it
            subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input",
                            "-v0"], cwd=code, env=env, check=True)  # fmt: skip
        try:
            out = subprocess.run(
                [sys.executable, PROJECT / "bench" / "checkin_board.py",
                 str(a.board_runs), str(a.board_warmup), str(a.exports)],
                cwd=code, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if out.returncode:
                raise RuntimeError(
                    f"board bench failed:\n{out.stderr[-3000:]}{out.stdout[-500:]}"
                )
            result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
            result["load"] = os.getloadavg()
            return result
        finally:
            self.pg.sql(f"DROP DATABASE {db} WITH (FORCE)")

    def profile(self, label: str, code: Path) -> str:
        """``bench/checkin_profile.py`` against a copy of the database, with ``code``."""
        db = f"profile_{label}"
        self.pg.sql(f"CREATE DATABASE {db} TEMPLATE warkat OWNER warkat_app")
        env = {**self.env(code, db), "WARKAT_LOAD_SEED": str(self.root / "seed.json")}
        try:
            out = subprocess.run(
                [sys.executable, PROJECT / "bench" / "checkin_profile.py",
                 str(self.args.profile)],
                cwd=code, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            return out.stdout + out.stderr[-2000:]
        finally:
            self.pg.sql(f"DROP DATABASE {db} WITH (FORCE)")

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=10)
        self.pg.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rates", type=float, nargs="+", default=[50, 100],
                        help="target check-ins per second of the baseline runs")  # fmt: skip
    parser.add_argument("--now-rates", type=float, nargs="+", default=[200, 400],
                        help="target check-ins per second of the runs of this code")  # fmt: skip
    parser.add_argument("--baseline", default="main",
                        help="git revision of the baseline (none: skip it)")  # fmt: skip
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--peak-people", type=int, default=30000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8,
                        help="application threads per worker (production: 8)")  # fmt: skip
    parser.add_argument("--server", nargs="+", default=["serve"],
                        help="the production command (serve: scripts/serve with "
                             "--workers x --threads) and/or candidates of "
                             "bench.servers (kind:WxT, e.g. granian:2x8 uwsgi:16), "
                             "each run at every rate, in turn")  # fmt: skip
    parser.add_argument("--per-user", type=float, default=2.0,
                        help="check-ins per second of one simulated phone")  # fmt: skip
    parser.add_argument("--auth", choices=["session", "token"], default="session",
                        help="the phones' page signed in (session cookie and CSRF "
                             "token, as the check-in page posts) or API tokens")  # fmt: skip
    parser.add_argument("--board", action="store_true",
                        help="also time the board and the recap export (in process)")  # fmt: skip
    parser.add_argument("--profile", type=int, default=0,
                        help="profile this many check-ins in process (per version)")  # fmt: skip
    parser.add_argument("--no-peak", action="store_true", help="skip the Locust runs")
    parser.add_argument("--board-runs", type=int, default=20)
    parser.add_argument("--board-warmup", type=int, default=3)
    parser.add_argument("--exports", type=int, default=1)
    args = parser.parse_args()
    # The older spellings: granian is scripts/serve, gunicorn takes --workers x --threads.
    shape = f"{args.workers}x{args.threads}"
    args.server = [{"granian": "serve", "gunicorn": f"gunicorn:{shape}"}.get(s, s)
                   for s in args.server]  # fmt: skip
    bench = Bench(args)
    results: list[tuple[str, dict[str, Any]]] = []
    boards: list[tuple[str, dict[str, Any]]] = []
    try:
        bench.start_redis()
        bench.database()
        plan: list[tuple[str, Path, float, str]] = []
        versions: list[tuple[str, Path]] = []
        if args.baseline != "none":
            code = bench.baseline_code()
            versions.append((f"baseline {args.baseline}", code))
            plan += [(f"baseline {args.baseline}", code, r, server)
                     for r in args.rates for server in args.server]  # fmt: skip
        versions.append(("now", PROJECT))
        plan += [("now", PROJECT, r, server) for r in args.now_rates
                 for server in args.server]  # fmt: skip
        if args.board:
            for i, (label, code) in enumerate(versions):
                boards.append((label, bench.board(str(i), code)))
                print(label, json.dumps(boards[-1][1]), flush=True)
        for i, (label, code) in enumerate(versions if args.profile else []):
            text = bench.profile(str(i), code)
            path = CACHE.parent / f"checkin-profile-{i}.txt"
            path.write_text(text)
            print(label, text.splitlines()[0] if text else "", f"(profile: {path})")
        if args.no_peak:
            plan = []
        for i, (label, code, rate, server) in enumerate(plan):
            result = bench.run(f"{i}", code, rate, server)
            if len(args.server) > 1:
                label = f"{label} {server}"
            results.append((label, result))
            print(_line(label, result), flush=True)
    finally:
        bench.stop()
    print(f"\nMorning check-in peak, {args.seconds} s per run, {' / '.join(args.server)} "
          f"(serve: {args.workers}x{args.threads}; production settings), PostgreSQL as "
          f"NOSUPERUSER NOBYPASSRLS, {os.cpu_count()} CPUs shared with Locust")  # fmt: skip
    if results:
        print(HEADER)
        for label, result in results:
            print(_line(label, result))
    if boards:
        print(
            f"\nBoard (p50/p95 of {args.board_runs}) and recap export ({args.exports} "
            "each), in process, wall clock ms (CPU ms of the app process)"
        )
        print(f"{'code':<16} " + " ".join(f"{k:>24}" for k in boards[0][1] if k != "load")
              + "  load avg")  # fmt: skip
        for label, b in boards:
            cells = [f"{v['p50']:.0f}/{v['p95']:.0f} ({v['cpu50']:.0f}/{v['cpu95']:.0f})"
                     for k, v in b.items() if k != "load"]  # fmt: skip
            load = " ".join(f"{x:.1f}" for x in b["load"])
            print(
                f"{label[:16]:<16} " + " ".join(f"{c:>24}" for c in cells) + f"  {load}"
            )
    return 0


HEADER = (
    f"{'code':<24} {'target/s':>8} {'done/s':>7} {'p50 ms':>6} {'p99 ms':>6} "
    f"{'app CPU ms':>10} {'PG CPU ms':>9} {'redis ms':>8} {'flushes':>7} "
    f"{'flush ms':>8} {'stmts':>6} "
    f"{'new rows':>8} {'failed':>6}  load avg"
)


def _line(label: str, r: dict[str, Any]) -> str:
    load = " ".join(f"{x:.1f}" for x in r["load"])
    return (
        f"{label[:24]:<24} {r['rate']:>8.0f} {r['achieved']:>7.1f} {r['p50']:>6} "
        f"{r['p99']:>6} {r['app_ms']:>10.2f} {r['pg_ms']:>9.2f} {r['redis_ms']:>8.2f} "
        f"{r['syncs']:>7.2f} {r['sync_ms']:>8.2f} {r['statements']:>6.1f} {r['made']:>8} {r['failures']:>6}  {load}"
    )


if __name__ == "__main__":
    sys.exit(main())
