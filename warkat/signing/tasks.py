"""Periodic signing housekeeping as ``django.tasks`` tasks (run by ``run_periodic``)."""

from __future__ import annotations

from django.tasks import task

from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="default")
def signed_orphans_run() -> int:
    """Remove signed PDFs of signing transactions that died after storing the file
    (``documents.signed_orphans_sweep``), tenant by tenant; returns how many."""
    from warkat.signing.documents import signed_orphans_sweep

    removed = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_scope(tenant):
            removed += len(signed_orphans_sweep(tenant_id=tenant.pk))
    return removed
