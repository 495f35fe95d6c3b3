"""Today's board of a 5,000-person unit, before and now in one run, on a PostgreSQL
database of your own: ``python -m bench.board_versions``.

The database is seeded once by ``bench.checkin_seed`` (as ``bench.checkin_peak``
does in its own cluster; see bench/README.md for the commands) and owned by the
app role (``NOSUPERUSER NOBYPASSRLS``: row-level security applies). For each
version of the code — the baseline (``--baseline``, a git revision exported into a
temporary directory) and this checkout — a copy of it is made (``CREATE DATABASE
… TEMPLATE``, through ``--owner-url``), ``bench/checkin_board.py`` times the board
API and the board page there with that version on ``PYTHONPATH`` (``--runs`` after
``--warmup``, through Django's test client as a personnel-office user, the process
started as the server starts), and the copy is dropped: nothing measured changes
the seeded data. Printed side by side: wall-clock p50/p95 and the process's CPU per
request p50/p95 (CPU time, comparable on a loaded machine) and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.checkin_peak import export_revision
from bench.cluster import PROJECT


def _with_db(url: str, db: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def _psql(owner_url: str, sql: str) -> None:
    subprocess.run(["psql", _with_db(owner_url, "postgres"), "-qc", sql], check=True)


def measure(args: argparse.Namespace, label: str, code: Path, root: Path) -> dict:
    db = f"{urlsplit(args.app_url).path.strip('/')}_{label}"
    template = urlsplit(args.app_url).path.strip("/")
    owner = urlsplit(args.app_url).username
    _psql(args.owner_url, f"CREATE DATABASE {db} TEMPLATE {template} OWNER {owner}")
    var = root / f"var-{label}"
    var.mkdir(exist_ok=True)
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(PYTHONPATH=str(code), DATABASE_URL=_with_db(args.app_url, db),
               WARKAT_VAR_DIR=str(var), WARKAT_LOG_LEVEL="WARNING",
               WARKAT_LOAD_SEED=str(Path(args.seed).resolve()))  # fmt: skip
    try:
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input",
                        "-v0"], cwd=code, env=env, check=True)  # fmt: skip
        out = subprocess.run(
            [sys.executable, PROJECT / "bench" / "checkin_board.py", str(args.runs),
             str(args.warmup), "0", str(args.profile)],
            cwd=code, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.returncode:
            raise RuntimeError(f"board bench failed:\n{out.stderr[-3000:]}")
        if args.profile:
            print(out.stderr, file=sys.stderr)
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        result["load"] = os.getloadavg()
        return result
    finally:
        _psql(args.owner_url, f"DROP DATABASE {db} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app-url", required=True,
                        help="the seeded database, as the app role")  # fmt: skip
    parser.add_argument("--owner-url", required=True,
                        help="a role that may create databases (the copies)")  # fmt: skip
    parser.add_argument("--seed", required=True,
                        help="the JSON line bench.checkin_seed printed")  # fmt: skip
    parser.add_argument("--baseline", default="main",
                        help="git revision of the baseline (none: skip it)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, metavar="LINES",
                        help="also print cProfile's top LINES (own CPU time) of 10 "
                             "more requests of each, per version")  # fmt: skip
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="warkat-board-"))
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        if args.baseline != "none":
            code = export_revision(args.baseline, root / "baseline")
            rows.append((f"before ({args.baseline})", measure(args, "b", code, root)))
            print(rows[-1][0], json.dumps(rows[-1][1]), flush=True)
        rows.append(("now", measure(args, "n", PROJECT, root)))
        print(rows[-1][0], json.dumps(rows[-1][1]), flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nToday's board, 5,000 people, app role under RLS: p50/p95 of {args.runs} "
          f"requests after {args.warmup}, wall ms (CPU ms of the process)")  # fmt: skip
    print(f"{'code':<18} {'board API':>26} {'board page':>26}  load avg (1/5/15 min)")
    for label, r in rows:
        cells = [f"{v['p50']:.0f}/{v['p95']:.0f} ({v['cpu50']:.0f}/{v['cpu95']:.0f})"
                 for k, v in r.items() if k != "load"]  # fmt: skip
        load = " ".join(f"{x:.1f}" for x in r["load"])
        print(f"{label[:18]:<18} " + " ".join(f"{c:>26}" for c in cells) + f"  {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
