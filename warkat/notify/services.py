"""Queueing notifications and the reader's own writes (marking read, push
subscriptions).

Services elsewhere call ``notify_positions`` inside their transaction; the work is
queued with that transaction (``core.queue.enqueue_durable``) as a task on the
"notify" queue (``tasks.deliver_notifications``, which runs ``delivery``). The texts
are composed in ``messages`` so that a secret letter's subject never leaves the app.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from warkat.core.errors import ValidationError
from warkat.core.queue import enqueue_durable
from warkat.notify.models import Notification, PushSubscription
from warkat.notify.tasks import deliver_notice, deliver_notifications


def notify_positions(
    *,
    tenant_id: int,
    position_ids: list[int],
    kind: str,
    letter_id: int,
    disposition_id: int | None = None,
    exclude_person_id: int | None = None,
    person_ids: list[int] | None = None,
) -> None:
    """Queue notifications to the holders of ``position_ids`` (and to the people
    ``person_ids``) as part of the current transaction (``core.queue``: nothing is
    sent for a rolled-back change, nothing committed is left unsent by a crash)."""
    ids = sorted({p for p in position_ids if p})
    people = sorted({p for p in person_ids or () if p})
    if not ids and not people:
        return
    enqueue_durable(
        deliver_notifications,
        tenant_id=tenant_id,
        position_ids=ids,
        kind=kind,
        letter_id=letter_id,
        disposition_id=disposition_id,
        exclude_person_id=exclude_person_id,
        person_ids=people,
    )


@transaction.atomic
def notification_mark_read(
    *, person_id: int | None, notification_id: int | None = None
) -> int:
    """Mark one (or all) of a person's notifications read; returns how many."""
    qs = Notification.objects.filter(person_id=person_id or 0, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def push_subscribe(
    *, user: Any, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Keep a browser's push subscription (the endpoint must be an https URL)."""
    valid = endpoint.startswith("https://") and len(endpoint) <= 1000
    if not (valid and p256dh and auth):
        raise ValidationError(
            "push.subscription_invalid",
            gettext_lazy("The push subscription is not valid."),
            field="endpoint",
        )
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "tenant_id": user.tenant_id,
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "failed_at": None,
        },
    )
    return sub


def notice_send(
    *,
    tenant_id: int,
    person_ids: list[int] | set[int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> None:
    """Queue a notice that is not about a letter (attendance requests, discipline
    alerts) to ``person_ids``. Enqueued inside the caller's transaction: with the
    database task backend it is committed (or rolled back) with the change."""
    people = sorted({p for p in person_ids if p})
    if not people:
        return
    enqueue_durable(
        deliver_notice,
        tenant_id=tenant_id,
        person_ids=people,
        kind=kind,
        title=title[:300],
        body=body,
        url=url[:300],
    )
