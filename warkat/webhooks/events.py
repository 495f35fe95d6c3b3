"""Which audit actions are webhook events, and which object each one is about.

Every domain service already records an audit event inside its own transaction;
``capture`` listens to those, so letters, dispositions and drafting never import
webhooks. A new event type is one line here (and its payload in ``payloads``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from warkat.audit.models import AuditEvent
from warkat.webhooks.models import EventType


@dataclass(frozen=True)
class Occurrence:
    event_type: str
    object_type: str
    object_id: str
    detail: dict[str, Any] = field(default_factory=dict)


def _same(event_type: str) -> Callable[[AuditEvent], list[Occurrence]]:
    def occurrences(event: AuditEvent) -> list[Occurrence]:
        return [Occurrence(event_type, event.object_type, event.object_id)]

    return occurrences


def _dispositions_created(event: AuditEvent) -> list[Occurrence]:
    # One audit event names all dispositions sent at once: one message each.
    ids = (event.data or {}).get("dispositions") or []
    return [
        Occurrence(
            EventType.DISPOSITION_CREATED,
            "dispositions.disposition",
            str(pk),
            {"letter": event.object_id},
        )
        for pk in ids
    ]


def _draft_review(event: AuditEvent) -> list[Occurrence]:
    # Submitting or a paraf passes the draft to the next reviewer while in review.
    data = event.data or {}
    if data.get("state") not in ("in_review", "approved"):
        return []
    return [
        Occurrence(
            EventType.DRAFT_REVIEW_REQUESTED,
            event.object_type,
            event.object_id,
            {"draft": data.get("draft")},
        )
    ]


ACTIONS: dict[str, Callable[[AuditEvent], list[Occurrence]]] = {
    "letter.register": _same(EventType.LETTER_REGISTERED),
    "letter.receive_internal": _same(EventType.LETTER_REGISTERED),
    "disposition.create": _dispositions_created,
    "disposition.read": _same(EventType.DISPOSITION_READ),
    "disposition.follow_up": _same(EventType.DISPOSITION_FOLLOWED_UP),
    "disposition.escalate": _same(EventType.DISPOSITION_OVERDUE),
    "drafting.sign": _same(EventType.LETTER_SIGNED),
    "drafting.sent": _same(EventType.LETTER_DELIVERED),
    "drafting.submit": _draft_review,
    "drafting.approve": _draft_review,
    "attendance.request_submitted": _same(EventType.ATTENDANCE_REQUEST),
    "attendance.request_approved": _same(EventType.ATTENDANCE_REQUEST),
    "attendance.request_refused": _same(EventType.ATTENDANCE_REQUEST),
    "attendance.request_cancelled": _same(EventType.ATTENDANCE_REQUEST),
    "datarequest.create": _same(EventType.DATA_REQUEST),
    "datarequest.submit": _same(EventType.DATA_REQUEST),
    "datarequest.accept": _same(EventType.DATA_REQUEST),
    "datarequest.return": _same(EventType.DATA_REQUEST),
}


def occurrences(event: AuditEvent) -> list[Occurrence]:
    mapper = ACTIONS.get(event.action)
    return mapper(event) if mapper else []
