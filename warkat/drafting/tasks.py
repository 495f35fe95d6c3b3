"""Background work of outgoing letters (queue "notify"): delivery and notices."""

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
