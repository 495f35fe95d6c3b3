"""Read the text of files stored before Warkat read them (an upgrade): a text row and
one ``ocr`` task per letter or follow-up file that has none."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from warkat.ocr.services import file_texts_backfill
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


class Command(BaseCommand):
    help = "Queue the reading (text layer or OCR) of stored files that have no text."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="slug of one tenant (default: all)")
        parser.add_argument(
            "--limit", type=int, default=10_000, help="files of each kind per tenant"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.filter(is_active=True).order_by("pk")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
        for tenant in tenants:
            with tenant_scope(tenant):
                count = file_texts_backfill(limit=options["limit"])
            self.stdout.write(f"{tenant.slug}: {count} files queued")
