"""Background work of outgoing letters: delivery and notices (queue "notify"), and
the periodic recovery of work a dying process left half-way (queue "default").

Thin wrappers: each enters the tenant scope and runs the work of ``delivery``,
``notices`` or ``recovery``. Signing (``sending``) and the notice queuing
(``services.notify``) enqueue them; the recovery re-queues lost deliveries here
(``deliveries_sweep``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task

from warkat.core.queue import enqueue_durable, queued
from warkat.drafting.ahead import render_ahead, render_ahead_stale
from warkat.drafting.delivery import deliveries_run
from warkat.drafting.models import Draft
from warkat.drafting.notices import notices_deliver
from warkat.drafting.recovery import (
    STUCK_AFTER,
    deliveries_stuck,
    numbers_pending_sweep,
)
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="notify")
def deliver_letter(*, tenant_id: int, draft_id: int) -> int:
    """Deliver every pending recipient copy of a signed letter; returns how many
    deliveries were attempted."""
    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        return len(deliveries_run(draft_id=draft_id))


@task(queue_name="render")
def render_ahead_task(*, tenant_id: int, draft_id: int) -> bool:
    """Render an approved letter ahead of its signing (``drafting.ahead``);
    returns whether a render ahead was stored."""
    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        draft = Draft.objects.filter(pk=draft_id).first()
        return draft is not None and render_ahead(draft=draft) is not None


@task(queue_name="notify")
def notify_draft(*, tenant_id: int, draft_id: int, event: str) -> int:
    """In-app notices of a drafting step (see ``drafting.notices``)."""
    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        return notices_deliver(draft_id=draft_id, event=event)


def deliveries_sweep(*, tenant_id: int, older_than: dt.timedelta = STUCK_AFTER) -> int:
    """Queue the delivery of every letter of ``recovery.deliveries_stuck`` that is not
    already queued; returns how many were queued."""
    count = 0
    for draft_id in deliveries_stuck(older_than=older_than):
        if queued(deliver_letter, tenant_id=tenant_id, draft_id=draft_id):
            continue
        deliver_letter.enqueue(tenant_id=tenant_id, draft_id=draft_id)
        count += 1
    return count


@task(queue_name="default")
def recovery_run(*, tenant_id: int | None = None) -> dict[str, int]:
    """Re-queue lost deliveries and void numbers of signings that never finished
    (``drafting.recovery``), in every active tenant (or one)."""
    totals = {"deliveries": 0, "numbers": 0, "render_ahead": 0}
    tenants = Tenant.objects.filter(is_active=True)
    if tenant_id is not None:
        tenants = tenants.filter(pk=tenant_id)
    for tenant in tenants.order_by("pk"):
        with tenant_scope(tenant):
            totals["numbers"] += numbers_pending_sweep()
            totals["deliveries"] += deliveries_sweep(tenant_id=tenant.pk)
            totals["render_ahead"] += render_ahead_sweep(tenant=tenant)
    return totals


def render_ahead_queue(*, draft: Draft) -> None:
    """Queue the render ahead of ``draft`` with the current transaction (when the
    deployment renders ahead, ``WARKAT_RENDER_AHEAD``)."""
    if settings.WARKAT_RENDER_AHEAD:
        enqueue_durable(render_ahead_task, tenant_id=draft.tenant_id, draft_id=draft.pk)


def render_ahead_sweep(*, tenant: Tenant) -> int:
    """Queue the render ahead of every approved letter of ``tenant`` (the current
    scope) that has none for today (``ahead.render_ahead_stale``) and is not
    queued already; returns how many were queued."""
    if not settings.WARKAT_RENDER_AHEAD:
        return 0
    count = 0
    for draft_id in render_ahead_stale(tenant):
        if queued(render_ahead_task, tenant_id=tenant.pk, draft_id=draft_id):
            continue
        render_ahead_task.enqueue(tenant_id=tenant.pk, draft_id=draft_id)
        count += 1
    return count
