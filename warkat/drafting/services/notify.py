"""Queuing the in-app notices of a drafting step with the current transaction
(``core.queue``); the notices are written by ``drafting.notices`` on a worker."""

from __future__ import annotations

from warkat.core.queue import enqueue_durable
from warkat.drafting.models import Draft
from warkat.drafting.tasks import notify_draft


def draft_notify(*, draft: Draft, event: str) -> None:
    """Queue the notice of ``event`` with the current transaction (``core.queue``)."""
    enqueue_durable(
        notify_draft, tenant_id=draft.tenant_id, draft_id=draft.pk, event=event
    )
