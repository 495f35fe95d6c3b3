"""Resume destructions and handovers left half-way (a worker killed mid-way).

``manage.py archive_disposal_resume`` walks every active tenant; ``--batch ID``
with ``--tenant SLUG`` resumes one batch. Safe to run at any time: the work is
idempotent and a batch whose berita acara is not signed is never touched.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from warkat.archive.destruction import batches_unfinished, disposal_resume
from warkat.archive.models import DisposalBatch
from warkat.archive.packaging import handover_package_make
from warkat.core.errors import DomainError
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


class Command(BaseCommand):
    help = "Resume destructions and handovers of archives left unfinished."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="tenant slug (all active ones if absent)")
        parser.add_argument("--batch", type=int, help="one batch id (needs --tenant)")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = Tenant.objects.filter(is_active=True).order_by("pk")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
            if not tenants.exists():
                raise CommandError("unknown tenant")
        elif options["batch"]:
            raise CommandError("--batch needs --tenant")
        for tenant in tenants:
            with tenant_scope(tenant):
                ids = [options["batch"]] if options["batch"] else batches_unfinished()
                for batch_id in ids:
                    batch = DisposalBatch.objects.filter(pk=batch_id).first()
                    if batch is None:
                        raise CommandError(f"no batch {batch_id} in {tenant.slug}")
                    try:
                        if batch.state == "packaging":
                            batch = handover_package_make(batch_id=batch_id)
                        else:
                            batch = disposal_resume(batch_id=batch_id)
                    except DomainError as exc:
                        self.stderr.write(f"{tenant.slug} batch {batch_id}: {exc}")
                        continue
                    self.stdout.write(f"{tenant.slug} batch {batch_id}: {batch.state}")
                if not options["batch"]:
                    for batch_id in DisposalBatch.objects.filter(
                        state="packaging"
                    ).values_list("pk", flat=True):
                        batch = handover_package_make(batch_id=batch_id)
                        self.stdout.write(
                            f"{tenant.slug} batch {batch_id}: {batch.state}"
                        )
