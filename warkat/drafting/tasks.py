"""Background work of outgoing letters: delivery and notices (queue "notify"), and
the periodic recovery of work a dying process left half-way (queue "default")."""

from __future__ import annotations

from django.tasks import task

from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="notify")
def deliver_letter(*, tenant_id: int, draft_id: int) -> int:
    """Deliver every pending recipient copy of a signed letter; returns how many
    deliveries were attempted."""
    from warkat.drafting.sending import deliveries_run

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        return len(deliveries_run(draft_id=draft_id))


@task(queue_name="notify")
def notify_draft(*, tenant_id: int, draft_id: int, event: str) -> int:
    """In-app notices of a drafting step (see ``drafting.notices``)."""
    from warkat.drafting.notices import notices_deliver

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        return notices_deliver(draft_id=draft_id, event=event)


@task(queue_name="default")
def recovery_run(*, tenant_id: int | None = None) -> dict[str, int]:
    """Re-queue lost deliveries and void numbers of signings that never finished
    (``drafting.recovery``), in every active tenant (or one)."""
    from warkat.drafting.recovery import deliveries_sweep, numbers_pending_sweep

    totals = {"deliveries": 0, "numbers": 0}
    tenants = Tenant.objects.filter(is_active=True)
    if tenant_id is not None:
        tenants = tenants.filter(pk=tenant_id)
    for tenant in tenants.order_by("pk"):
        with tenant_scope(tenant):
            totals["numbers"] += numbers_pending_sweep()
            totals["deliveries"] += deliveries_sweep(tenant_id=tenant.pk)
    return totals
