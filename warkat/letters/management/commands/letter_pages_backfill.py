"""Queue page pictures for letters whose PDFs have none yet (letters registered
before pictures were drawn, or whose drawing failed): one ``render`` task per letter."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


class Command(BaseCommand):
    help = "Queue the drawing of page pictures for PDF letters that have none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="slug of one tenant (default: all)")
        parser.add_argument(
            "--limit", type=int, default=10_000, help="letters per tenant at most"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from warkat.letters.models import LetterFile
        from warkat.letters.pages import PDF
        from warkat.letters.tasks import letter_pages_render

        tenants = Tenant.objects.filter(is_active=True).order_by("pk")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
        for tenant in tenants:
            with tenant_scope(tenant):
                letter_ids = list(
                    LetterFile.objects.filter(content_type=PDF, pages__isnull=True)
                    .order_by("-letter_id")
                    .values_list("letter_id", flat=True)
                    .distinct()[: options["limit"]]
                )
            for letter_id in letter_ids:
                letter_pages_render.enqueue(tenant_id=tenant.pk, letter_id=letter_id)
            self.stdout.write(f"{tenant.slug}: {len(letter_ids)} letters queued")
