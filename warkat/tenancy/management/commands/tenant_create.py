"""``manage.py tenant_create <region_code> [--host CODE]``: a platform-admin operation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.core.errors import DomainError
from warkat.tenancy.models import Tenant
from warkat.tenancy.services import tenant_create


class Command(BaseCommand):
    help = "Create the tenant of a province or kabupaten/kota from its region code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("region_code", help="Kemendagri code, e.g. 91.11")
        parser.add_argument(
            "--host", default=None, help="region code of the hosting province"
        )
        parser.add_argument("--slug", default=None, help="short name (optional)")
        parser.add_argument(
            "--no-regions",
            action="store_true",
            help="do not create kecamatan/desa units from the region data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host = None
        if options["host"]:
            host = Tenant.objects.filter(region_code=options["host"]).first()
            if host is None:
                raise CommandError(
                    f"No tenant for host region {options['host']}; create it first."
                )
        try:
            tenant = tenant_create(
                region_code=options["region_code"],
                actor=None,
                host=host,
                slug=options["slug"],
                build_regions=not options["no_regions"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.text('en')} / {exc.text('id')}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created tenant {tenant.name} ({tenant.region_code}), id {tenant.pk}, "
                f"time zone {tenant.time_zone}."
            )
        )
