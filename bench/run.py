"""Benchmark runner: server time (p50/p95) and queries per request, side by side for a
small and a large dataset, printed as a table.

    python -m bench.run [--only org,letters,signing] [--people 5000] [--iterations 100]

Requests go through Django's test ``Client`` in this process (the whole middleware
stack, templates and database; no network, no WSGI server), after a warm-up, with
every query counted. Datasets are made by ``bench.generate`` on first use and reused
afterwards. ``signing`` runs the signing and rendering benchmarks' own ``main()``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.scenario import Dataset, Scenario

if TYPE_CHECKING:
    from django.test import Client


@dataclass(frozen=True)
class Result:
    p50_ms: float
    p95_ms: float
    queries: tuple[int, int]  # min, max over the timed iterations

    def cells(self) -> list[str]:
        low, high = self.queries
        q = str(low) if low == high else f"{low}-{high}"
        return [f"{self.p50_ms:.1f}", f"{self.p95_ms:.1f}", q]


def measure(
    call: Callable[[], Any], *, iterations: int, warmup: int, expect_status: int
) -> Result:
    """Time ``call`` ``iterations`` times after ``warmup`` untimed calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        _check(call(), expect_status)
    times: list[float] = []
    counts: list[int] = []
    for _ in range(iterations):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - started
        _check(response, expect_status)
        times.append(elapsed * 1000)
        counts.append(_counted(captured.captured_queries))
    times.sort()
    p95_index = min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))
    return Result(
        p50_ms=statistics.median(times),
        p95_ms=times[p95_index],
        queries=(min(counts), max(counts)),
    )


def _counted(queries: list[dict[str, Any]]) -> int:
    """Queries of the request, without the savepoints that the run's rolled-back
    transaction turns the request's own transactions into."""
    return sum(
        1
        for q in queries
        if not q["sql"].lstrip().upper().startswith(_SAVEPOINT_STATEMENTS)
    )


_SAVEPOINT_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _check(response: Any, expect_status: int) -> None:
    status = getattr(response, "status_code", None)
    if status != expect_status:
        body = getattr(response, "content", b"")[:300]
        raise RuntimeError(f"expected HTTP {expect_status}, got {status}: {body!r}")


def signed_in_client(username: str) -> Client:
    from django.test import Client

    from warkat.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def print_table(
    title: str, labels: list[str], rows: Iterable[tuple[str, list[Result | None]]]
) -> None:
    header = ["scenario"]
    for label in labels:
        header += [f"{label} p50 ms", "p95 ms", "queries"]
    body = []
    for name, results in rows:
        line = [name]
        for result in results:
            line += result.cells() if result else ["—", "—", "—"]
        body.append(line)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    print(f"\n{title}")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for line in body:
        cells = [line[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)]
        print(" | ".join(cells))


def run_group(
    title: str,
    datasets: list[Dataset],
    scenarios: list[Scenario],
    *,
    iterations: int,
    warmup: int,
) -> dict[str, list[Result | None]]:
    rows: dict[str, list[Result | None]] = {}
    for scenario in scenarios:
        results: list[Result | None] = []
        for ds in datasets:
            with rolled_back(ds):
                results.append(
                    measure(
                        scenario.request(ds),
                        iterations=iterations,
                        warmup=warmup,
                        expect_status=scenario.expect_status,
                    )
                )
        rows[scenario.name] = results
    print_table(title, [ds.label for ds in datasets], rows.items())
    return rows


@contextmanager
def rolled_back(ds: Dataset) -> Iterator[None]:
    """Run a scenario's preparation and timed requests in one transaction that is
    rolled back: a benchmark never changes the data it measures, so the "empty"
    dataset stays empty and a second run measures what the first one did.

    What a scenario prepared lives in that transaction too, so it is forgotten with
    it (the next scenario prepares its own)."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        ds.extra.clear()


def dataset(
    label: str, *, people: int, letters: int = 0, dispositions: int = 0
) -> Dataset:
    from bench.generate import Shape, tenant_generate

    tenant = tenant_generate(shape=Shape(people, letters, dispositions), log=True)
    ds = Dataset(label=label, tenant=tenant)
    ds.clients["admin"] = signed_in_client(f"admin.{tenant.slug}")
    ds.clients["bupati"] = signed_in_client(f"bupati.{tenant.slug}")
    return ds


def org_scenarios() -> list[Scenario]:
    from bench.scenarios import org

    return org.SCENARIOS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--only", default="org,letters,signing")
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--dispositions", type=int, default=60_000)
    # A tiny tenant with letters beside the empty one: with no rows at all a page
    # skips its bulk fetches, so query counts compare fairly only between these two.
    parser.add_argument("--tiny-letters", type=int, default=1_000)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    # Measuring as the app's own role (not the tables' owner, row-level security
    # applying) means that role may not migrate: generate and migrate as the owner.
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    groups = {g.strip() for g in args.only.split(",") if g.strip()}
    unknown = groups - {"org", "letters", "signing", "dashboard"}
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")

    from django.conf import settings
    from django.db import connection

    print(
        f"Warkat benchmarks on {connection.vendor} "
        f"({settings.DATABASES['default']['NAME']}{_role()}); "
        f"{args.iterations} timed requests per cell after {args.warmup} warm-up; "
        f"{_load()}"
    )
    timing = {"iterations": args.iterations, "warmup": args.warmup}
    if "org" in groups:
        small = dataset(f"{args.small} people", people=args.small)
        large = dataset(f"{args.people} people", people=args.people)
        run_group("Organisation (issue 2)", [small, large], org_scenarios(), **timing)
    if "letters" in groups:
        from bench import letters

        sizes = [(0, 0)]
        if 0 < args.tiny_letters < args.letters:
            ratio = args.dispositions / args.letters
            sizes.append((args.tiny_letters, round(args.tiny_letters * ratio)))
        sizes.append((args.letters, args.dispositions))
        datasets = [
            dataset(
                f"{n} letters" if n else "empty",
                people=args.people,
                letters=n,
                dispositions=d,
            )
            for n, d in sizes
        ]
        run_group(
            "Incoming letters and dispositions (issue 3)",
            datasets,
            letters.SCENARIOS,
            **timing,
        )
    if "dashboard" in groups:
        from bench.scenarios import dashboard

        data = dataset(
            f"{args.letters} letters",
            people=args.people,
            letters=args.letters,
            dispositions=args.dispositions,
        )
        print(
            f"\nFull rebuild of a year of figures: {dashboard.figures_prepare(data):.1f} s"
        )
        run_group("Command centre (issue 12)", [data], dashboard.SCENARIOS, **timing)
    if "signing" in groups:
        from bench.scenarios import signing

        signing.run()
    print(f"\nDone; {_load()}")


def _role() -> str:
    """On PostgreSQL: the role measured and whether row-level security applies to it
    (it does not for superusers and BYPASSRLS roles, the bench's usual owner)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        )
        role, bypass = cursor.fetchone()
    return f" as {role}, row-level security {'bypassed' if bypass else 'applied'}"


def _load() -> str:
    """The machine's load, printed with the figures: other work on the same cores
    shows up in p95 long before it shows in p50."""
    one, five, _fifteen = os.getloadavg()
    return (
        f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    import bench

    bench.bootstrap(migrate="--no-migrate" not in sys.argv)
    main()
