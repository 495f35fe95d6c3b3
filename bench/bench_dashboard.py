"""Command-centre pages on the 1,000,000-letter tenant, as the app role under RLS.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/warkat_bench_dash \\
        python -m bench.bench_dashboard --iterations 40 [--rebuild-days 365]

Uses the tenant ``bench.generate --people 5000 --letters 1000000 --dispositions
3000000`` made (run that first). Everything happens in one transaction that is rolled
back at the end, so the data measured is never changed:

1. with ``--rebuild-days N``, the figures of the last N days are rebuilt from the
   letters and dispositions (``figures_rebuild``, as ``dashboard_rebuild`` does) and
   the time reported (wall clock and this process's CPU time);
2. otherwise (or when the letters do not reach today) the daily figures of the last
   ``--days`` days are written straight into the tables the pages read, at the
   density of the bench data (dispositions per day = 3,000,000 over its three years,
   with their read and follow-up minutes), on every unit that holds positions;
3. a province tenant hosting the bench tenant is made (its adoption page);
4. as ``--role`` (``NOSUPERUSER NOBYPASSRLS``; ``SET LOCAL ROLE``) each page is
   requested through Django's test ``Client`` as the Bupati (overview, an OPD, the
   wall, the units API) and the province's and the tenant's administrators
   (adoption page and API), first the baseline (``WARKAT_DASHBOARD_CACHE=0`` and
   the previous reads: no cached scope or figures) and then now, side by side.

Transfer is the page gzip-compressed (level 6, as a server would) plus the
compressed size of any script or stylesheet it links (the charts are inline SVG).
Server time is wall clock on a shared machine: the load average is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import random
import resource
import time
from collections.abc import Callable
from typing import Any

from bench.bench_search import _as_app_role, _ensure_role
from bench.run import Result, _load, _role, measure, print_table, signed_in_client

DISPOSITIONS_PER_DAY = 3_000_000 // (3 * 365)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rebuild(tenant: Any, days: int) -> str:
    from warkat.dashboard.rebuild import figures_rebuild
    from warkat.tenancy.clock import tenant_localdate

    last = tenant_localdate(tenant)
    first = last - dt.timedelta(days=days - 1)
    wall, cpu = time.perf_counter(), _cpu()
    result = figures_rebuild(tenant=tenant, first=first, last=last)
    # The process's peak resident memory so far (Linux: KB): the rebuild is the
    # first thing the bench does, so this is what it needed.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"rebuild {first}..{last}: {result.unit_rows} unit rows, "
        f"{result.person_rows} person rows in {time.perf_counter() - wall:.1f} s wall, "
        f"{_cpu() - cpu:.1f} s CPU of this process, peak memory {peak:.0f} MB"
    )


def synthesise(tenant: Any, days: int, seed: int = 0) -> int:
    """Daily rows of the last ``days`` days for every unit that holds positions."""
    from django.utils import timezone

    from warkat.dashboard.models import UnitDay
    from warkat.org.models import Position
    from warkat.tenancy.clock import tenant_localdate

    rng = random.Random(seed)
    units = sorted(set(Position.objects.values_list("unit_id", flat=True)))
    today, now = tenant_localdate(tenant), timezone.now()
    per_unit = max(1, DISPOSITIONS_PER_DAY // len(units))
    UnitDay.objects.filter(day__gt=today - dt.timedelta(days=days)).delete()
    rows = []
    for offset in range(days):
        day = today - dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for unit_id in units:
            received = rng.randint(0, 2 * per_unit)
            read = rng.randint(0, received)
            follow = rng.randint(0, read)
            rows.append(
                UnitDay(
                    tenant=tenant,
                    unit_id=unit_id,
                    day=day,
                    refreshed_at=now,
                    letters_in=rng.randint(0, 3),
                    disp_made=received,
                    disp_received=received,
                    disp_read=read,
                    disp_followed_up=follow,
                    disp_due=follow,
                    disp_due_on_time=rng.randint(0, follow),
                    disp_overdue_open=rng.randint(0, 20),
                    active_users=rng.randint(0, 8),
                    att_present=rng.randint(0, 8),
                    read_minutes=sorted(rng.randint(5, 3000) for _ in range(read)),
                    follow_minutes=sorted(rng.randint(60, 9000) for _ in range(follow)),
                )
            )
    UnitDay.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _province(tenant: Any) -> str:
    """A province hosting the bench tenant, with its administrator's username."""
    from warkat.accounts.services import password_generate, user_create
    from warkat.tenancy.models import Tenant
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    code = tenant.region_code.split(".")[0]
    province = Tenant.objects.filter(region_code=code).first()
    if province is None:
        province = tenant_create(region_code=code, actor=None, build_regions=False)
    Tenant.objects.filter(pk=tenant.pk).update(host=province)
    username = f"admin.bench-province-{code}"
    with tenant_scope(province):
        user_create(
            tenant=province, actor=None, username=username,
            password=password_generate(), roles=[("tenant_admin", None)],
        )  # fmt: skip
    return username


def transfer_kb(client: Any, path: str) -> float:
    """The page and what it links (scripts, stylesheets), gzip-compressed, in KB."""
    import re

    from django.contrib.staticfiles import finders

    body = client.get(path).content
    total = len(gzip.compress(body, 6))
    for ref in re.findall(rb'(?:src|href)="(/static/[^"]+\.(?:js|css))"', body):
        name = ref.decode().removeprefix("/static/").split("?")[0]
        found = finders.find(name)
        if found:
            with open(found, "rb") as f:
                total += len(gzip.compress(f.read(), 6))
    return total / 1024


def _pages(tenant: Any, opd_id: int) -> dict[str, tuple[str, str]]:
    """Scenario → (client key, path)."""
    return {
        "pimpinan overview (Bupati)": ("bupati", "/dasbor/"),
        "pimpinan: an OPD": ("bupati", f"/dasbor/unit/{opd_id}/"),
        "wall": ("bupati", "/dasbor/dinding/"),
        "API units (7 days)": ("bupati", "/api/v1/dashboard/units"),
        "API units (28 days)": ("bupati", "/api/v1/dashboard/units?from={m28}"),
        "adoption page (province)": ("province", "/dasbor/adopsi/"),
        "adoption page (kabupaten)": ("admin", "/dasbor/adopsi/"),
        "API adoption (province)": ("province", "/api/v1/dashboard/adoption"),
    }


def main(argv: list[str] | None = None) -> None:
    from django.db import connection, transaction
    from django.test import override_settings

    from bench.generate import Shape
    from warkat.dashboard.adoption import adoption_refresh
    from warkat.org.models import Unit
    from warkat.tenancy.clock import tenant_localdate
    from warkat.tenancy.models import Tenant
    from warkat.tenancy.scope import tenant_scope

    parser = argparse.ArgumentParser(prog="python -m bench.bench_dashboard")
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--dispositions", type=int, default=3_000_000)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--rebuild-days", type=int, default=0)
    parser.add_argument("--role", default="warkat_app")
    args = parser.parse_args(argv)
    slug = Shape(args.people, args.letters, args.dispositions).slug(1)
    tenant = Tenant.objects.get(slug=slug)
    _ensure_role(args.role)
    notes: list[str] = []
    with transaction.atomic():
        with tenant_scope(tenant):
            if args.rebuild_days:
                notes.append(rebuild(tenant, args.rebuild_days))
            else:
                rows = synthesise(tenant, args.days)
                notes.append(f"{rows} synthetic daily unit rows ({args.days} days)")
            adoption_refresh(tenant=tenant)
            opd = Unit.objects.filter(depth=1, kind="dinas").order_by("pk").first()
            opd_id = opd.pk if opd else Unit.objects.get(parent=None).pk
        province_user = _province(tenant)
        clients = {
            "bupati": signed_in_client(f"bupati.{slug}"),
            "admin": signed_in_client(f"admin.{slug}"),
            "province": signed_in_client(province_user),
        }
        m28 = tenant_localdate(tenant) - dt.timedelta(days=27)
        pages = _pages(tenant, opd_id)

        def timed(
            cache: int,
        ) -> Callable[[], dict[str, tuple[Result, float, float, float]]]:
            def run() -> dict[str, tuple[Result, float, float, float]]:
                out = {}
                with override_settings(WARKAT_DASHBOARD_CACHE=cache):
                    for name, (who, path) in pages.items():
                        client, url = clients[who], path.format(m28=m28)
                        cpu: list[float] = []

                        def call(
                            c: Any = client, u: str = url, cpu: list[float] = cpu
                        ) -> Any:
                            started = time.process_time()
                            response = c.get(u)
                            cpu.append((time.process_time() - started) * 1000)
                            return response

                        result = measure(
                            call,
                            iterations=args.iterations,
                            warmup=args.warmup,
                            expect_status=200,
                        )
                        timed_cpu = sorted(cpu[args.warmup :])
                        p95 = timed_cpu[
                            min(len(timed_cpu) - 1, round(0.95 * len(timed_cpu)) - 1)
                        ]
                        out[name] = (
                            result,
                            transfer_kb(client, url),
                            timed_cpu[len(timed_cpu) // 2],
                            p95,
                        )
                return out

            return run

        before = _as_app_role(args.role, timed(0))
        now = _as_app_role(args.role, timed(300))
        role = _as_app_role(args.role, _role)
        transaction.set_rollback(True)
    print(f"\nCommand centre on {slug}: PostgreSQL{role}; {_load()}")
    for note in notes:
        print(f"  {note}")
    print_table(
        "server time (wall clock) and queries per request",
        ["before", "now"],
        [(name, [before[name][0], now[name][0]]) for name in pages],
    )
    print(
        "\nPython CPU ms per request (p50 / p95) and transfer (gzip KB, page + linked"
    )
    print("scripts/styles): before | now")
    for name in pages:
        b, n = before[name], now[name]
        print(
            f"  {name}: {b[2]:.1f} / {b[3]:.1f} ms, {b[1]:.1f} KB | "
            f"{n[2]:.1f} / {n[3]:.1f} ms, {n[1]:.1f} KB"
        )
    print(f"\nDone; {_load()} (connection {connection.vendor})")


if __name__ == "__main__":
    import bench

    bench.bootstrap(migrate=False)
    main()
