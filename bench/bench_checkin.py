"""Check-in benchmark, in process: what one check-in costs the server in CPU and
queries, and that the query count does not grow with the number of people.

    [DATABASE_URL=postgres://…] python -m bench.bench_checkin [--people 500]

Builds its own small tenant (a dinas with one office location, ``--people`` staff
with accounts), then every person checks in once through ``checkin_record`` at a
position inside the geofence. Everything runs in one transaction that is rolled back
at the end: the benchmark leaves no data behind. It measures the domain call only
(no HTTP server, no load generator): the figures of record for issue 11 need the
Locust run through the real server, which this does not replace.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from decimal import Decimal
from typing import Any

#: Kabupaten of Papua for the bench's own tenant (the first one not in use).
CODES = ("91.11", "91.03", "91.05", "91.06", "91.10", "91.17")


def bench_dinas(slug: str) -> tuple[Any, Any]:
    """A benchmark's own tenant (the first free kabupaten of ``CODES``) with one
    dinas under its root."""
    from warkat.org.services.units import unit_create, unit_root
    from warkat.tenancy.models import Tenant
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    used = set(Tenant.objects.values_list("region_code", flat=True))
    code = next(c for c in CODES if c not in used)
    tenant = tenant_create(region_code=code, actor=None, build_regions=False, slug=slug)
    with tenant_scope(tenant):
        root = unit_root(tenant=tenant)
        dinas = unit_create(
            tenant=tenant, actor=None, parent=root, kind="dinas",
            name="Dinas Bench", code="BENCH",
        )  # fmt: skip
    return tenant, dinas


class _Rollback(Exception):
    pass


def run(people: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from warkat.accounts.models import User
    from warkat.attendance.checkin import checkin_record
    from warkat.attendance.models import WorkLocation
    from warkat.org.services.assignments import assignment_create
    from warkat.org.services.people import person_create
    from warkat.org.services.positions import position_create
    from warkat.tenancy.scope import tenant_scope

    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            tenant, dinas = bench_dinas("bench-absen")
            with tenant_scope(tenant):
                head = position_create(
                    tenant=tenant, actor=None, unit=dinas, name="Kepala",
                    code="BENCH.KEPALA", category="jpt", is_head=True,
                )  # fmt: skip
                WorkLocation.objects.create(
                    tenant=tenant, unit=dinas, name="Kantor",
                    latitude=Decimal("-2.934560"), longitude=Decimal("140.787010"),
                )  # fmt: skip
                users = []
                for i in range(people):
                    pos = position_create(
                        tenant=tenant, actor=None, unit=dinas, name=f"Staf {i}",
                        code=f"BENCH.S{i}", category="pelaksana", superior=head,
                    )  # fmt: skip
                    person = person_create(
                        tenant=tenant, actor=None, full_name=f"Pegawai {i}",
                        employee_type="non_asn",
                    )  # fmt: skip
                    assignment_create(
                        tenant=tenant, actor=None, person=person, position=pos,
                        kind="definitif", start_date=dt.date(2024, 1, 1),
                    )  # fmt: skip
                    users.append(
                        User(username=f"bench-absen-{i}", tenant=tenant, person=person)
                    )
                User.objects.bulk_create(users)
                users = list(
                    User.objects.filter(tenant=tenant).select_related("person")
                )
                cpu: list[float] = []
                queries: list[int] = []
                for i, user in enumerate(users):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.process_time()
                        checkin_record(
                            actor=user,
                            latitude=-2.93456 + (i % 50) * 1e-6,
                            longitude=140.78701,
                            accuracy_m=12.0,
                            client_key=f"bench-{i}",
                        )
                        cpu.append((time.process_time() - started) * 1000)
                    queries.append(len(captured))
                result = {
                    "people": people,
                    "cpu_ms_p50": statistics.median(cpu),
                    "cpu_ms_mean": statistics.fmean(cpu),
                    "queries_min": min(queries),
                    "queries_max": max(queries),
                    "database": connection.vendor,
                }
            raise _Rollback
    except _Rollback:
        pass
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=500)
    args = parser.parse_args()
    from bench import bootstrap

    bootstrap()
    result = run(args.people)
    print(
        f"{result['database']}: {result['people']} check-ins, CPU per check-in "
        f"p50 {result['cpu_ms_p50']:.2f} ms (mean {result['cpu_ms_mean']:.2f} ms), "
        f"queries per check-in {result['queries_min']}-{result['queries_max']}"
    )


if __name__ == "__main__":
    main()
