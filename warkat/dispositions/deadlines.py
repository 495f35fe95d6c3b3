"""Deadline follow-through: remind holders before a disposition is due and escalate
overdue ones to the superior of the recipient position. Both are written to the
letter's history and notified; each disposition is reminded and escalated once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from warkat.audit.services import audit_record
from warkat.dispositions.calendar import working_days_between
from warkat.dispositions.models import OPEN_STATES, Disposition
from warkat.dispositions.rules import disposition_settings
from warkat.letters.models import LetterEvent
from warkat.tenancy.models import Tenant


@dataclass
class DeadlineRun:
    reminded: int = 0
    escalated: int = 0


def deadlines_process(*, tenant: Tenant, today: dt.date | None = None) -> DeadlineRun:
    """Run inside ``tenant``'s scope and time zone."""
    today = today or timezone.localdate()
    settings = disposition_settings()
    run = DeadlineRun()
    # Calendar days bound the candidates; working days decide.
    horizon = today + dt.timedelta(days=settings.remind_days_before * 3 + 10)
    due_soon = Disposition.objects.filter(
        state__in=OPEN_STATES,
        reminded_at__isnull=True,
        deadline__gte=today,
        deadline__lte=horizon,
    ).values_list("pk", "deadline")
    for pk, deadline in due_soon:
        if (
            working_days_between(start=today, end=deadline)
            <= settings.remind_days_before
        ):
            run.reminded += _remind(tenant, pk)
    overdue = Disposition.objects.filter(
        state__in=OPEN_STATES, escalated_at__isnull=True, deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in overdue:
        run.escalated += _escalate(tenant, pk)
    return run


@transaction.atomic
def _remind(tenant: Tenant, pk: int) -> int:
    from warkat.notify.services import notify_positions

    now = timezone.now()
    if not Disposition.objects.filter(pk=pk, reminded_at__isnull=True).update(
        reminded_at=now
    ):
        return 0
    d = Disposition.objects.get(pk=pk)
    LetterEvent.objects.create(
        tenant=tenant,
        letter_id=d.letter_id,
        at=now,
        kind="reminded",
        position_id=d.to_position_id,
        disposition_id=d.pk,
        note=f"{d.deadline:%Y-%m-%d}" if d.deadline else "",
    )
    notify_positions(
        tenant_id=tenant.pk,
        position_ids=[d.to_position_id],
        kind="disposition.reminder",
        letter_id=d.letter_id,
        disposition_id=d.pk,
    )
    return 1


@transaction.atomic
def _escalate(tenant: Tenant, pk: int) -> int:
    from warkat.notify.services import notify_positions

    now = timezone.now()
    if not Disposition.objects.filter(pk=pk, escalated_at__isnull=True).update(
        escalated_at=now
    ):
        return 0
    d = Disposition.objects.select_related("to_position").get(pk=pk)
    # The recipient's superior; a position without one escalates to the disposer.
    target = d.to_position.superior_id or d.from_position_id
    LetterEvent.objects.create(
        tenant=tenant,
        letter_id=d.letter_id,
        at=now,
        kind="escalated",
        position_id=target,
        disposition_id=d.pk,
        note=f"{d.deadline:%Y-%m-%d}" if d.deadline else "",
    )
    audit_record(
        tenant=tenant,
        actor=None,
        action="disposition.escalate",
        obj=d,
        data={"to_position": target, "deadline": d.deadline},
    )
    notify_positions(
        tenant_id=tenant.pk,
        position_ids=[target],
        kind="disposition.escalated",
        letter_id=d.letter_id,
        disposition_id=d.pk,
    )
    return 1
