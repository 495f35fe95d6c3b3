"""Writing to the audit log. Called by every service inside its own transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, router, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from warkat.audit.context import client_ip
from warkat.audit.models import AuditChainHead, AuditEvent
from warkat.core.memo import AUDIT_APPEND
from warkat.tenancy.models import Tenant

GENESIS = "0" * 64


def canonical_payload(event: AuditEvent) -> str:
    """The fields the hash covers, as canonical JSON. An imported event is hashed
    with the ids it had where it was recorded (``origin``)."""
    origin = event.origin or {}
    return json.dumps(
        {
            "tenant": origin.get("tenant", event.tenant_id),
            "seq": event.seq,
            "occurred_at": event.occurred_at.isoformat(),
            "actor": origin.get("actor", event.actor_id),
            "actor_name": event.actor_name,
            "capacity": event.capacity,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": origin.get("object_id", event.object_id),
            "object_repr": event.object_repr,
            "data": event.data,
            "client_ip": event.client_ip,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def event_hash(*, prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical_payload(event)).encode()).hexdigest()


def _object_repr(obj: Any) -> str:
    """How the log names the object: its ``audit_repr`` when it has one (a secret
    letter is named by its agenda line, never its subject), else ``str``."""
    if obj is None:
        return ""
    label = getattr(obj, "audit_repr", None)
    return str(label if label is not None else obj)[:300]


@dataclass(frozen=True)
class AuditEntry:
    """One event to append with ``audit_records``."""

    actor: Any | None
    action: str
    obj: models.Model | None = None
    capacity: str = ""
    data: dict[str, Any] | None = None


# No savepoint when nested: an event that cannot be written fails the whole service.
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    tenant: Tenant,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    capacity: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to ``tenant``'s chain (locks the chain head)."""
    entry = AuditEntry(
        actor=actor, action=action, obj=obj, capacity=capacity, data=data
    )
    return audit_records(tenant=tenant, entries=[entry])[0]


@transaction.atomic(savepoint=False)
def audit_records(*, tenant: Tenant, entries: list[AuditEntry]) -> list[AuditEvent]:
    """Append ``entries`` to ``tenant``'s chain, in order, with one lock of the
    chain head and one update of it (the head is the tenant's one queue of
    writers: a service writing several events holds it once, briefly). The
    chain is the same as with one ``audit_record`` per entry. The events are
    inserted in one statement, then each event's ``post_save`` is sent, in order,
    inside one ``core.memo.AUDIT_APPEND`` scope (the dashboard marks the day once
    for them all)."""
    head = (
        AuditChainHead.objects.with_scopes_disabled()
        .select_for_update()
        .filter(tenant=tenant)
        .first()
    )
    if head is None:
        head = AuditChainHead(tenant=tenant, seq=0, last_hash=GENESIS)
        head.save()
        head = (
            AuditChainHead.objects.with_scopes_disabled()
            .select_for_update()
            .get(pk=head.pk)
        )
    events = []
    ip = client_ip()
    for entry in entries:
        actor, obj = entry.actor, entry.obj
        user = actor if actor is not None and getattr(actor, "pk", None) else None
        event = AuditEvent(
            tenant=tenant,
            seq=head.seq + 1,
            occurred_at=timezone.now(),
            actor=user,
            actor_name=user.get_username() if user else "",
            capacity=entry.capacity,
            action=entry.action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=_object_repr(obj),
            data=json.loads(json.dumps(entry.data or {}, default=str)),
            client_ip=ip,
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(prev_hash=head.last_hash, event=event)
        head.seq = event.seq
        head.last_hash = event.hash
        events.append(event)
    AuditEvent._base_manager.bulk_create(events)
    using = router.db_for_write(AuditEvent)
    with AUDIT_APPEND.scope():
        for event in events:
            post_save.send(
                sender=AuditEvent, instance=event, created=True,
                update_fields=None, raw=False, using=using,
            )  # fmt: skip
    head.save(update_fields=["seq", "last_hash"])
    return events
