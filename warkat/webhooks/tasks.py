"""Background delivery of webhooks (queue "webhooks", its own workers so that a slow
receiver never holds up notifications or signing)."""

from __future__ import annotations

import datetime as dt

from django.tasks import task, task_backends

from warkat.core.queue import queued, waiting
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="webhooks")
def deliver_endpoint(*, tenant_id: int, endpoint_id: int) -> int:
    """Send the endpoint's due deliveries (``sender.endpoint_drain``); returns how
    many were delivered. When more is pending later (a retry), a run is scheduled
    for then; the periodic sweep catches anything else."""
    from warkat.webhooks.sender import endpoint_drain

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        result = endpoint_drain(endpoint_id=endpoint_id)
    if result.next_due is not None:
        _schedule(tenant_id=tenant_id, endpoint_id=endpoint_id, at=result.next_due)
    return result.delivered


def _schedule(*, tenant_id: int, endpoint_id: int, at: dt.datetime) -> None:
    if not task_backends[deliver_endpoint.backend].supports_defer:
        return  # the sweep (run_periodic) picks it up
    args = {"tenant_id": tenant_id, "endpoint_id": endpoint_id}
    if waiting(deliver_endpoint, **args):
        return
    deliver_endpoint.using(run_after=at).enqueue(**args)


def webhooks_sweep(*, tenant_id: int) -> int:
    """Queue a drain of every endpoint with deliveries due and no drain waiting
    (a lost task, a retry whose run was never scheduled); inside the tenant's scope.
    Here, beside the task it queues: the sending work module never enqueues."""
    from warkat.webhooks.sender import due_endpoints

    count = 0
    for _tenant, endpoint_id in due_endpoints():
        args = {"tenant_id": tenant_id, "endpoint_id": endpoint_id}
        if queued(deliver_endpoint, **args):
            continue
        deliver_endpoint.enqueue(**args)
        count += 1
    return count


@task(queue_name="default")
def webhooks_sweep_run() -> int:
    """``webhooks_sweep`` tenant by tenant; returns how many drains were queued."""
    count = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_scope(tenant):
            count += webhooks_sweep(tenant_id=tenant.pk)
    return count
