"""Archive due-list benchmark (issue 13): a unit's list of letters due for transfer,
destruction or handover, counted and paged (the page's reads), computed from
every letter's dates and code (before) and read from the stored due years
(``LetterDue``, after), side by side, as the app role under row-level security.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/warkat_bench_search \\
        python -m bench.bench_archive --letters 1000000

Uses the tenant ``bench.bench_search`` (``bench.generate``) made, whose letters
are all registered in the Setda over three years with codes that carry retention;
the Setda's list is measured. The filling of the stored years (what migration
0004 does) is timed as the owner inside a transaction that is rolled back, and
the requests are made with ``SET LOCAL ROLE`` in transactions rolled back too:
nothing measured is changed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from bench.bench_search import (
    _as_app_role,
    _cpu_timed,
    _ensure_role,
    timed_calls,
)
from bench.run import Result, _load, _role, print_table

PAGE = 100


def _before(*, unit: Any, kind: str, today: Any) -> int:
    """The due page as computed before: every letter's dates and code."""
    from django.db.models import Count

    from warkat.archive.selectors.disposal import due_letters
    from warkat.org.selectors import unit_subtree

    qs = due_letters(kind=kind, today=today, units=unit_subtree(unit=unit))
    total = qs.count()
    list(qs.annotate(file_count=Count("files"))[:PAGE])
    return int(total)


def _after(*, user: Any, unit: Any, kind: str, today: Any) -> int:
    from warkat.archive.selectors.disposal import due_page

    return due_page(user=user, unit=unit, kind=kind, today=today)[1]


def _wall(call: Callable[[], Any], iterations: int) -> Result:
    call()
    return timed_calls(call, iterations)


def _fill_seconds(tenant: Any) -> tuple[float, int]:
    """The migration's filling of the stored years, timed and rolled back."""
    from django.db import transaction

    from warkat.archive.services.dues import all_dues_refresh
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant), transaction.atomic():
        started = time.perf_counter()
        rows = all_dues_refresh()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, rows


def _fill_if_empty(tenant: Any) -> None:
    """Letters copied in bulk by ``bench.generate`` after the migrations have no
    stored years yet: fill them once (committed, like the search index rows of
    ``bench_search``) and refresh the planner's statistics."""
    from django.db import connection, transaction

    from warkat.archive.models import LetterDue
    from warkat.archive.services.dues import all_dues_refresh
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        if LetterDue.objects.exists():
            return
        with transaction.atomic():
            rows = all_dues_refresh()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE archive_letterdue")
    print(f"  stored due years filled once: {rows:,} rows", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_archive")
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--role", default="warkat_app")
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--before-iterations", type=int, default=3)
    args = parser.parse_args(argv)

    from django.db import connection

    from bench.generate import Shape, tenant_generate
    from warkat.accounts.models import User
    from warkat.archive.models import DisposalKind
    from warkat.letters.models import Letter
    from warkat.org.models import Unit
    from warkat.tenancy.clock import tenant_localdate
    from warkat.tenancy.scope import tenant_scope

    if connection.vendor != "postgresql":
        raise SystemExit("bench_archive measures PostgreSQL: set DATABASE_URL")
    tenant = tenant_generate(
        shape=Shape(args.people, args.letters, args.letters), log=True
    )
    _fill_if_empty(tenant)
    fill, rows = _fill_seconds(tenant)
    _ensure_role(args.role)
    user = User.objects.get(username=f"admin.{tenant.slug}")
    today = tenant_localdate(tenant)
    with tenant_scope(tenant):
        unit_id = Letter.objects.order_by("-pk").values_list("unit_id", flat=True)[0]
        unit = Unit.objects.get(pk=unit_id)
        letters = Letter.objects.count()

    results: dict[str, list[Result | None]] = {}
    totals: dict[str, int] = {}
    for kind in DisposalKind.values:

        def run(kind: str = kind) -> list[Result | None]:
            from django.db import connection

            with tenant_scope(tenant):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('warkat.tenant_id', %s, true)",
                        [str(tenant.pk)],
                    )
                totals[kind] = _after(user=user, unit=unit, kind=kind, today=today)
                assert totals[kind] == _before(unit=unit, kind=kind, today=today)

                def after() -> int:
                    return _after(user=user, unit=unit, kind=kind, today=today)

                def before() -> int:
                    return _before(unit=unit, kind=kind, today=today)

                return [
                    _wall(before, args.before_iterations),
                    _wall(after, args.iterations),
                    _cpu_timed(before, args.before_iterations, 0),
                    _cpu_timed(after, args.iterations, 1),
                ]

        results[kind] = _as_app_role(args.role, run)
    role = _as_app_role(args.role, _role)
    print(
        f"\nArchive due lists of {unit.name} over {letters:,} letters on "
        f"{today:%Y-%m-%d}, PostgreSQL{role}"
    )
    print(f"  stored due years filled (migration 0004): {rows:,} rows in {fill:.1f} s")
    print_table(
        "p50/p95 ms (wall clock, then CPU of this process and its database server "
        "process): before, computed from every letter's dates and code; after, "
        "the stored due years",
        ["before (wall)", "after (wall)", "before (CPU)", "after (CPU)"],
        [(f"{kind} ({totals[kind]:,} due)", r) for kind, r in results.items()],
    )
    print(f"\nDone; {_load()}")


if __name__ == "__main__":
    import bench

    bench.bootstrap()
    main()
