"""Deadline follow-through: remind holders before a disposition is due and escalate
overdue ones to the superior of the recipient position; remind the addressee of a
letter nobody has disposed (or settled) within its urgency's working days. All are
written to the letter's history and notified; each disposition is reminded and
escalated once per round (sending it back starts a new one), each letter once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from warkat.audit.services import audit_record
from warkat.dispositions.calendar import tenant_holidays, working_days_between
from warkat.dispositions.models import OPEN_STATES, Disposition
from warkat.dispositions.rules import default_deadline_days, disposition_settings
from warkat.letters.models import Direction, IncomingStatus, Letter, LetterEvent
from warkat.tenancy.models import Tenant

#: Undisposed letters received longer ago than this are not reminded any more.
UNDISPOSED_WINDOW_DAYS = 60


@dataclass
class DeadlineRun:
    reminded: int = 0
    escalated: int = 0
    letters_reminded: int = 0


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
    local = tenant_holidays(today, horizon)
    for pk, deadline in due_soon:
        if (
            working_days_between(start=today, end=deadline, local=local)
            <= settings.remind_days_before
        ):
            run.reminded += _remind(tenant, pk)
    overdue = Disposition.objects.filter(
        state__in=OPEN_STATES, escalated_at__isnull=True, deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in overdue:
        run.escalated += _escalate(tenant, pk)
    run.letters_reminded = _remind_undisposed(tenant, today, settings)
    return run


def _remind_undisposed(tenant: Tenant, today: dt.date, settings: Any) -> int:
    """Letters still waiting for their addressee past the urgency's working days."""
    reminded = LetterEvent.objects.filter(
        letter=OuterRef("pk"), kind="reminded", disposition_id__isnull=True
    )
    # Calendar days bound the work: letters older than the window are stale (not
    # reminded at all), letters older than the longest SLA's calendar span are due
    # whatever the holidays; working days decide in between.
    longest = max(settings.days_amat_segera, settings.days_segera, settings.days_biasa)
    surely_due = today - dt.timedelta(days=longest * 3 + 10)
    window_start = today - dt.timedelta(days=UNDISPOSED_WINDOW_DAYS)
    local = tenant_holidays(window_start, today)
    waiting = (
        Letter.objects.filter(
            direction=Direction.INCOMING,
            status=IncomingStatus.NEW,
            is_copy=False,
            addressed_position__isnull=False,
            received_date__lt=today,
            received_date__gte=window_start,
        )
        .exclude(Exists(reminded))
        .values_list("pk", "received_date", "urgency")
    )
    count = 0
    for pk, received, urgency in waiting:
        days = default_deadline_days(urgency, settings)
        if (
            received > surely_due
            and working_days_between(start=received, end=today, local=local) < days
        ):
            continue
        count += _remind_letter(tenant, pk)
    return count


@transaction.atomic
def _remind_letter(tenant: Tenant, pk: int) -> int:
    from warkat.notify.services import notify_positions

    letter = Letter.objects.select_for_update().get(pk=pk)
    if LetterEvent.objects.filter(
        letter=letter, kind="reminded", disposition_id__isnull=True
    ).exists():
        return 0
    now = timezone.now()
    LetterEvent.objects.create(
        tenant=tenant,
        letter=letter,
        at=now,
        kind="reminded",
        position_id=letter.addressed_position_id,
        note=f"{letter.received_date:%Y-%m-%d}",
    )
    assert letter.addressed_position_id is not None
    notify_positions(
        tenant_id=tenant.pk,
        position_ids=[letter.addressed_position_id],
        kind="letter.reminder",
        letter_id=letter.pk,
    )
    return 1


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
