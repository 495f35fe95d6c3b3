"""Recompute the command centre's daily figures of a period from the source rows."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from warkat.dashboard.rebuild import figures_rebuild
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Recompute the command centre's daily figures of a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, type=_date)
        parser.add_argument("--to", dest="last", required=True, type=_date)
        parser.add_argument(
            "--tenant", help="slug or region code (every active tenant if omitted)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if last < first:
            raise CommandError("--to is before --from")
        tenants = Tenant.objects.filter(is_active=True)
        if options["tenant"]:
            key = options["tenant"]
            tenants = Tenant.objects.filter(Q(slug=key) | Q(region_code=key))
            if not tenants.exists():
                raise CommandError(f"no tenant {key}")
        for tenant in tenants.order_by("pk"):
            began = time.monotonic()
            with tenant_scope(tenant):
                result = figures_rebuild(tenant=tenant, first=first, last=last)
            self.stdout.write(
                f"{tenant.slug}: {result.days} days, {result.unit_rows} unit rows, "
                f"{result.person_rows} person rows in {time.monotonic() - began:.1f} s"
            )
