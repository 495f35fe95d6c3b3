"""Finishing what a dying process left half-way in sending letters (periodic, run by
``run_periodic`` through ``tasks.recovery_run``; the re-queuing itself is
``tasks.deliveries_sweep``, as this module never enqueues).

* **Deliveries.** The delivery of a signed letter is queued in the signing
  transaction (``core.queue``); with a task backend outside the database it is
  queued after the commit, and a process killed in between leaves the letter
  "pending delivery". ``deliveries_sweep`` queues the delivery again for every
  signed letter with a delivery pending longer than ``STUCK_AFTER`` (or none
  pending, but not yet marked sent: ``deliveries_stuck``), unless one is already
  waiting in the queue.
  Delivery is idempotent into Warkat inboxes; an e-mail may go twice only if a
  worker took longer than ``STUCK_AFTER`` with a backend the sweep cannot see into.
* **Numbers being signed.** A signing killed between taking its number and storing
  the signed PDF (``sending`` steps 1 and 3) leaves the number *being signed*. No
  signing takes ``PENDING_AFTER``; ``numbers_pending_sweep`` voids such numbers
  with their reason (the register keeps them: no gap) and lets go of the letter,
  which is still approved and unsigned and takes a new number when signed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from warkat.drafting.models import Delivery, Draft, DraftState, NumberEntry
from warkat.drafting.register import PENDING_STALE_REASON, pending_void

#: A delivery still pending this long after it was queued was lost.
STUCK_AFTER = dt.timedelta(minutes=10)
#: Far longer than any signing takes (render, signature, TSA or BSrE timeouts).
PENDING_AFTER = dt.timedelta(minutes=30)


def deliveries_stuck(*, older_than: dt.timedelta = STUCK_AFTER) -> list[int]:
    """Ids of signed (not yet sent) letters whose delivery was lost (inside the
    tenant's scope)."""
    cutoff = timezone.now() - older_than
    pending = Delivery.objects.filter(
        draft=OuterRef("pk"), status=Delivery.Status.PENDING
    )
    stale = pending.filter(updated_at__lt=cutoff)
    return list(
        Draft.objects.filter(state=DraftState.SIGNED, signed_at__lt=cutoff)
        .filter(Q(Exists(stale)) | ~Q(Exists(pending)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def numbers_pending_sweep(*, older_than: dt.timedelta = PENDING_AFTER) -> int:
    """Void the numbers left *being signed* longer than ``older_than`` (inside the
    tenant's scope); returns how many."""
    cutoff = timezone.now() - older_than
    stale = NumberEntry.objects.filter(
        kind=NumberEntry.Kind.PENDING, voided_at__isnull=True, taken_at__lt=cutoff
    )
    count = 0
    for entry_id, draft_id in stale.values_list("pk", "letter__draft").order_by("pk"):
        with transaction.atomic():
            # The signing's lock order: draft → letter → entry.
            Draft.objects.select_for_update(of=("self",)).filter(pk=draft_id).first()
            entry = (
                NumberEntry.objects.select_for_update()
                .filter(pk=entry_id, kind=NumberEntry.Kind.PENDING)
                .filter(voided_at__isnull=True)
                .select_related("tenant")
                .first()
            )
            if entry is None:  # finished or voided meanwhile
                continue
            pending_void(entry=entry, reason=PENDING_STALE_REASON)
            count += 1
    return count
