"""Benchmark data generator.

    python -m bench.generate --tenants 1 --people 5000 [--letters 1000000 --dispositions 3000000]

Creates tenants through ``tenant_create`` (with their distrik/kampung units), then an
organisation per tenant (``bench.orgdata``) and, when asked, letters with disposition
trees (``bench.letterdata``). Each tenant's shape is in its slug
(``bench-5000p-0l-1``), so a second run with the same arguments finds the data and
does nothing. Uses ``DATABASE_URL`` (default: ``var/bench.sqlite3``); PostgreSQL is
the target for large sizes.
"""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

if TYPE_CHECKING:
    from warkat.tenancy.models import Tenant


@dataclass(frozen=True)
class Shape:
    people: int
    letters: int = 0
    dispositions: int = 0

    def slug(self, index: int) -> str:
        return f"bench-{self.people}p-{self.letters}l-{index}"


def bench_regions() -> list[str]:
    """Kabupaten/kota codes for benchmark tenants: Papua's first (WIT, distrik and
    kampung like the demo), then the rest of the country in file order."""
    with open(settings.REFERENCE_DATA_DIR / "wilayah.csv", encoding="utf-8") as f:
        codes = [
            r["kode"] for r in csv.DictReader(f) if r["tingkat"] == "kabupaten_kota"
        ]
    return sorted(codes, key=lambda c: (not c.startswith("91."), codes.index(c)))


def _free_region() -> str:
    from warkat.tenancy.models import Tenant

    used = set(Tenant.objects.values_list("region_code", flat=True))
    for code in bench_regions():
        if code not in used:
            return code
    raise RuntimeError("every kabupaten/kota already has a tenant")


def tenant_generate(
    *, shape: Shape, index: int = 1, seed: int = 0, log: bool = False
) -> Tenant:
    """The benchmark tenant of ``shape`` number ``index``, generated if missing."""
    from bench.orgdata import org_generate
    from warkat.tenancy.models import Tenant
    from warkat.tenancy.services import tenant_create

    slug = shape.slug(index)
    existing = Tenant.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    started = time.perf_counter()
    with transaction.atomic():
        tenant = tenant_create(region_code=_free_region(), actor=None, slug=slug)
        org = org_generate(tenant=tenant, people=shape.people, seed=seed)
        _bench_users(tenant)
    _refresh_statistics(org=True)
    if log:
        print(
            f"{slug}: {tenant.name} ({tenant.region_code}) — {org.units} units, "
            f"{org.positions} positions, {org.people} people "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    if shape.letters:
        from bench.letterdata import letters_generate

        started = time.perf_counter()
        made = letters_generate(
            tenant=tenant,
            letters=shape.letters,
            dispositions=shape.dispositions,
            seed=seed,
            log=log,
        )
        _refresh_statistics()
        if log:
            print(
                f"{slug}: {made.letters} letters, {made.dispositions} dispositions "
                f"in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
    return tenant


def _refresh_statistics(*, org: bool = False) -> None:
    from bench.bulk import refresh_statistics
    from warkat.dispositions.models import Disposition
    from warkat.letters.models import Letter
    from warkat.org.models import Assignment, Person, Position, Unit

    if org:
        refresh_statistics(Unit, Position, Person, Assignment)
    else:
        refresh_statistics(Letter, Disposition)


def _bench_users(tenant: Tenant) -> None:
    """A tenant admin and the Bupati's account, used by the runner's requests."""
    from warkat.accounts.services import password_generate, user_create
    from warkat.org.models import Assignment
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        user_create(
            tenant=tenant,
            actor=None,
            username=f"admin.{tenant.slug}",
            # Set, not generated: a generated one must be changed before use.
            password=password_generate(),
            roles=[("tenant_admin", None)],
        )
        bupati = (
            Assignment.objects.filter(position__code="BUPATI")
            .select_related("person")
            .first()
        )
        if bupati is not None:
            user_create(
                tenant=tenant,
                actor=None,
                username=f"bupati.{tenant.slug}",
                person=bupati.person,
                password=password_generate(),
                roles=[("pimpinan", None)],
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("--tenants", type=int, default=1)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--letters", type=int, default=0)
    parser.add_argument("--dispositions", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.dispositions and not args.letters:
        parser.error("--dispositions needs --letters")
    shape = Shape(args.people, args.letters, args.dispositions)
    for index in range(1, args.tenants + 1):
        tenant_generate(shape=shape, index=index, seed=args.seed, log=True)


if __name__ == "__main__":
    import bench

    bench.bootstrap()
    main()
