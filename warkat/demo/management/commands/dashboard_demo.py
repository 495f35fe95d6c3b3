"""``manage.py dashboard_demo``: months of history for the Keerom demo and the Papua
province's administrator, so every command-centre view tells a story. Run after
``demo_load``; a second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from warkat.dashboard.jobs import refresh_all
from warkat.demo.dashboard import history_generate, province_admin
from warkat.letters.models import Letter
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


class Command(BaseCommand):
    help = "Generate command-centre demo history for Keerom (after demo_load)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=120)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo is not loaded in production.")
        keerom = Tenant.objects.filter(region_code="91.11").first()
        papua = Tenant.objects.filter(region_code="91").first()
        if keerom is None or papua is None:
            raise CommandError("Load the demo first (manage.py demo_load).")
        with tenant_scope(papua):
            admin = province_admin(province=papua)
        with tenant_scope(keerom), timezone.override(keerom.time_zone):
            if Letter.objects.filter(number__startswith="DEMO/").exists():
                self.stdout.write("Command-centre history already generated.")
                return
            summary = history_generate(tenant=keerom, days=options["days"])
        refresh_all()
        self.stdout.write(
            f"{summary.letters} letters and {summary.dispositions} dispositions over "
            f"{options['days']} days.\n"
            f"Fast: {', '.join(summary.units['fast'])}\n"
            f"Slow: {', '.join(summary.units['slow'])}\n"
            f"Never active: {', '.join(summary.units['never'])}\n"
            f"Command centre: bupati.{keerom.slug} (/dasbor/); "
            f"adoption monev: {admin.username} (/dasbor/adopsi/)."
        )
