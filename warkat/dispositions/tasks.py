"""Periodic disposition work as ``django.tasks`` tasks (run by ``run_periodic``)."""

from __future__ import annotations

from django.tasks import task

from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="default")
def deadlines_run(*, tenant_id: int | None = None) -> dict[str, int]:
    """Remind and escalate in every active tenant (or one), each in its own scope
    (which is on the tenant's time zone)."""
    from warkat.dispositions.deadlines import deadlines_process

    totals = {"reminded": 0, "escalated": 0}
    tenants = Tenant.objects.filter(is_active=True)
    if tenant_id is not None:
        tenants = tenants.filter(pk=tenant_id)
    for tenant in tenants.order_by("pk"):
        with tenant_scope(tenant):
            run = deadlines_process(tenant=tenant)
        totals["reminded"] += run.reminded
        totals["escalated"] += run.escalated
    return totals


@task(queue_name="default")
def orphan_files_run() -> int:
    """Remove stored files left behind by rolled-back transactions."""
    from warkat.letters.maintenance import orphan_sweep

    removed = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_scope(tenant):
            removed += len(orphan_sweep(tenant=tenant))
    return removed
