"""Rebuild the search index of every active tenant (or one): after a bulk load
that bypassed the services, or after the tokenising rules changed."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.search.index import search_index_rebuild
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


class Command(BaseCommand):
    help = "Rebuild the full-text search index of letters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="slug of one tenant (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.filter(is_active=True).order_by("pk")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"No active tenant {options['tenant']!r}.")
        for tenant in tenants:
            started = time.perf_counter()
            with tenant_scope(tenant):
                count = search_index_rebuild()
            took = time.perf_counter() - started
            self.stdout.write(f"{tenant.slug}: {count} letters indexed in {took:.1f} s")
