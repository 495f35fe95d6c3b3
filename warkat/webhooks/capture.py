"""Capturing webhook events from the audit log, inside the domain transaction.

Every service records an audit event in its own transaction; the ``post_save``
receiver below (connected in ``apps.py``) turns the events listed in ``events`` into
a ``Message`` and one ``Delivery`` per subscribed endpoint, and queues a drain of
each endpoint with ``enqueue_durable`` — all in that same transaction. So the
outbox rows and the task commit or roll back with the letter or disposition itself:
a process dying after the commit loses nothing (the task row is committed; with a
non-database task backend the periodic sweep finds the pending deliveries), and a
rolled-back change sends nothing. Domain apps do not import webhooks.

Without any active endpoint in the tenant it costs one small query per audit event.
"""

from __future__ import annotations

import uuid
from typing import Any

from warkat.audit.models import AuditEvent
from warkat.core.queue import enqueue_durable
from warkat.webhooks.events import occurrences
from warkat.webhooks.models import Delivery, Endpoint, Message
from warkat.webhooks.tasks import deliver_endpoint


def audit_event_saved(
    sender: Any, instance: AuditEvent, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if not created or raw:
        return
    found = occurrences(instance)
    if found:
        messages_capture(event=instance, found=found)


def messages_capture(*, event: AuditEvent, found: list[Any]) -> list[Message]:
    """Outbox rows for ``event`` (runs inside the caller's transaction)."""
    # Scopes off but narrowed to the event's own tenant: the event may be recorded
    # for another tenant than the request's (a letter delivered between Pemda).
    endpoints = list(
        Endpoint.objects.with_scopes_disabled()
        .filter(tenant_id=event.tenant_id, is_active=True)
        .only("pk", "event_types", "drain_queued")
    )
    if not endpoints:
        return []
    created: list[Message] = []
    touched: dict[int, Endpoint] = {}
    for occurrence in found:
        wanted = [e for e in endpoints if occurrence.event_type in e.event_types]
        if not wanted:
            continue
        message = Message.objects.create(
            tenant_id=event.tenant_id,
            msg_id=f"msg_{uuid.uuid4().hex}",
            event_type=occurrence.event_type,
            audit_event=event,
            object_type=occurrence.object_type,
            object_id=occurrence.object_id,
            detail=occurrence.detail,
            occurred_at=event.occurred_at,
        )
        Delivery.objects.bulk_create(
            Delivery(
                tenant_id=event.tenant_id,
                endpoint=endpoint,
                message=message,
                next_attempt_at=event.occurred_at,
            )
            for endpoint in wanted
        )
        created.append(message)
        touched.update({e.pk: e for e in wanted})
    _drains_request(tenant_id=event.tenant_id, endpoint_ids=sorted(touched))
    return created


def _drains_request(*, tenant_id: int, endpoint_ids: list[int]) -> None:
    """Queue a drain of each endpoint that has none queued or scheduled.

    The endpoint rows are locked (in id order, after the audit chain head) until the
    commit: a drain that is about to clear its flag waits for this transaction and
    then sees its deliveries, so none is left without a drain."""
    rows = (
        Endpoint.objects.with_scopes_disabled()
        .select_for_update()
        .filter(pk__in=endpoint_ids)
        .order_by("pk")
        .values_list("pk", "drain_queued")
    )
    idle = [pk for pk, queued in rows if not queued]
    if not idle:
        return
    Endpoint.objects.with_scopes_disabled().filter(pk__in=idle).update(
        drain_queued=True
    )
    for endpoint_id in idle:
        enqueue_durable(deliver_endpoint, tenant_id=tenant_id, endpoint_id=endpoint_id)


def drain_request(*, tenant_id: int, endpoint_id: int, now: bool = False) -> None:
    """Queue a drain of the endpoint unless one is already queued or scheduled
    (``drain_queued``); ``now`` queues one anyway (a person asked for it)."""
    claimed = (
        Endpoint.objects.with_scopes_disabled()
        .filter(pk=endpoint_id, drain_queued=False)
        .update(drain_queued=True)
    )
    if claimed or now:
        enqueue_durable(deliver_endpoint, tenant_id=tenant_id, endpoint_id=endpoint_id)
