"""``manage.py audit_verify [--tenant CODE]``: check every tenant's audit chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from warkat.audit.verify import audit_chain_verify
from warkat.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exit code 1 on the first problem."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--tenant", help="region code or short name of one tenant (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.order_by("region_code")
        code = options.get("tenant")
        if code:
            tenants = tenants.filter(region_code=code) | tenants.filter(slug=code)
            if not tenants.exists():
                raise CommandError(f"unknown tenant {code}")
        failed = False
        for tenant in tenants:
            report = audit_chain_verify(tenant=tenant)
            label = f"{tenant.region_code} {tenant.slug}"
            if report.ok:
                self.stdout.write(f"OK      {label}: {report.checked} events")
            else:
                failed = True
                problem = report.problem
                assert problem is not None
                self.stdout.write(
                    f"FAILED  {label}: event #{problem.seq} {problem.kind}: "
                    f"{problem.text} ({report.checked} events verified before it)"
                )
        if failed:
            raise SystemExit(1)
