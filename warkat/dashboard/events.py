"""Keeping the day's figures up to date as events happen.

Every audited action (a letter registered or sent, a disposition made, read or
followed up, a signature, a sign-in, a leave request decided, …) and every check-in
marks its tenant's local day as changed (``DirtyDay``) inside the transaction of the
event itself, and the first mark of a day queues ``dashboard_days_run`` in that same
transaction (``enqueue_durable``: with the database task backend the task row
commits or rolls back with the event; never ``on_commit``). The task recomputes the
marked days from the source rows with the same function as the rebuild, so the kept
figures of a day equal a rebuild of it by construction, and a burst of events costs
one recomputation: the task runs ``DELAY`` seconds after the first mark (when the
backend can defer) and picks up everything marked until then.

Ordering: an audited event marks its day with an ``UPDATE`` (or the first
``INSERT``), which holds the mark's row lock until the event commits (events of a
tenant are already serialised by the audit chain's head, so this adds no waiting).
The task first deletes the marks in a short transaction of its own, which waits for
those locks: when it commits, every event that marked the day has committed, so the
recomputation that follows sees them; an event after the deletion marks the day
again and queues the next run. A check-in marks without taking the lock (the
morning peak must not queue on one row): a check-in committing during a
recomputation that it did not start is counted by the next run or, at the latest,
by the periodic refresh of today and yesterday (every ten minutes), which stays the
backstop for a task lost with a non-database backend as well.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from warkat.core.memo import AUDIT_APPEND
from warkat.dashboard.dirtydays import marks_all
from warkat.dashboard.models import DirtyDay
from warkat.tenancy.clock import tenant_localdate

#: Seconds between the first event of a day and its recomputation (one run per burst).
DELAY = getattr(settings, "WARKAT_DASHBOARD_EVENT_DELAY", 60)


def _queue(tenant_id: int) -> None:
    from warkat.core.queue import enqueue_durable, is_transactional
    from warkat.dashboard.tasks import dashboard_days_run

    task = dashboard_days_run
    if is_transactional(task) and DELAY:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=DELAY))
    enqueue_durable(task, tenant_id=tenant_id)


def day_mark(*, tenant_id: int, day: dt.date, lock: bool = True) -> bool:
    """Mark ``day`` of the tenant as changed; True when this mark queued the run."""
    marks = marks_all().filter(tenant_id=tenant_id, day=day)
    if lock:
        if marks.update(events=F("events") + 1):
            return False
    elif marks.exists():
        return False
    try:
        with transaction.atomic():
            DirtyDay.objects.with_scopes_disabled().create(tenant_id=tenant_id, day=day)
    except IntegrityError:  # marked by a concurrent event in the meantime
        return False
    _queue(tenant_id)
    return True


def audit_event_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """``post_save`` of the audit log: the event's local day changed."""
    if not created or raw or not instance.tenant_id:
        return
    tenant = instance.tenant
    _day_mark_once(tenant.pk, tenant_localdate(tenant, instance.occurred_at))


@AUDIT_APPEND.memo
def _day_mark_once(tenant_id: int, day: dt.date) -> bool:
    """One mark (and row lock) of the day for all the events appended together
    (``audit.services.audit_records``, one transaction): the mark's ``events``
    counts the appends, not the events."""
    return day_mark(tenant_id=tenant_id, day=day)


def checkin_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """``post_save`` of a check-in: its day's attendance figures changed."""
    if created and not raw:
        day_mark(tenant_id=instance.tenant_id, day=instance.day, lock=False)
