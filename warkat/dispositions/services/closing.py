"""The sender's and recipient's simple transitions: decline, close (settling what is
open below), send back for more work, cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.errors import Conflict, ValidationError
from warkat.dispositions.models import (
    Disposition,
    State,
)
from warkat.dispositions.workflow import (
    RECIPIENT_ACTIONS,
    STATE_FIELDS,
    acting_capacity,
    close_below,
    deadline_check,
    event_record,
    follow_up_reported,
    letter_status_refresh,
    lock_disposition,
    mark_read,
    notify_disposition,
    require_transition,
    subtree_locked,
    target_state,
    tenant_of,
)


@transaction.atomic
def _transition(
    *,
    action: str,
    actor: Any,
    disposition: Disposition,
    note: str = "",
    note_required: bool = False,
    notify_kind: str,
    deadline: dt.date | None = None,
) -> Disposition:
    """The common path of the simple transitions (decline, close, return, cancel)."""
    recipient_side = action in RECIPIENT_ACTIONS
    position_id = (
        disposition.to_position_id if recipient_side else disposition.from_position_id
    )
    capacity = acting_capacity(actor, position_id)
    if note_required and not note.strip():
        raise ValidationError(
            "disposition.note_required",
            _("Please give a reason or note."),
            field="note",
        )
    d = lock_disposition(disposition)
    now = timezone.now()
    if recipient_side and d.state == State.SENT:
        mark_read(d, actor, capacity, now)
    require_transition(action, d)
    below = subtree_locked(d) if action == "close" else []
    if action == "close" and d.report_required and not follow_up_reported(d, below):
        raise Conflict(
            "disposition.report_required",
            _(
                "The instruction asks for a report: it can be closed once a "
                "follow-up has been reported."
            ),
        )
    d.state = target_state(action, d.state)
    d.state_note = note.strip()
    d.state_changed_at = now
    d.state_changed_by_id = actor.person_id
    d.state_changed_capacity = capacity
    fields = list(STATE_FIELDS)
    if action == "return":
        # More work means a new round of reminders (and a new deadline if given).
        d.deadline = deadline or d.deadline
        d.reminded_at = None
        d.escalated_at = None
        fields += ["deadline", "reminded_at", "escalated_at"]
    d.save(update_fields=fields)
    close_below(below, actor=actor, capacity=capacity, at=now)
    event_record(
        d=d,
        kind=d.state,
        actor=actor,
        capacity=capacity,
        position_id=position_id,
        note=d.state_note,
        at=now,
    )
    letter_status_refresh(letter_id=d.letter_id)
    audit_record(
        tenant=tenant_of(d),
        actor=actor,
        action=f"disposition.{action}",
        obj=d,
        capacity=capacity,
        data={"note": d.state_note} if d.state_note else None,
    )
    other = d.from_position_id if recipient_side else d.to_position_id
    notify_disposition(d, notify_kind, [other], actor)
    return d


def disposition_decline(
    *, actor: Any, disposition: Disposition, reason: str
) -> Disposition:
    """The recipient declines (with a reason) before reporting any follow-up."""
    return _transition(
        action="decline",
        actor=actor,
        disposition=disposition,
        note=reason,
        note_required=True,
        notify_kind="disposition.declined",
    )


def disposition_close(
    *, actor: Any, disposition: Disposition, note: str
) -> Disposition:
    """The sender closes the disposition (satisfied with the follow-up), with a
    closing note; whatever is still open below it is closed with it. An instruction
    that asks for a report needs a follow-up first."""
    return _transition(
        action="close",
        actor=actor,
        disposition=disposition,
        note=note,
        note_required=True,
        notify_kind="disposition.closed",
    )


def disposition_return(
    *,
    actor: Any,
    disposition: Disposition,
    note: str,
    deadline: dt.date | None = None,
) -> Disposition:
    """The sender sends the disposition back for more work (with a note), with a
    new deadline if given; reminders and escalation start over."""
    deadline_check(deadline)
    return _transition(
        action="return",
        actor=actor,
        disposition=disposition,
        note=note,
        note_required=True,
        notify_kind="disposition.returned",
        deadline=deadline,
    )


def disposition_cancel(
    *, actor: Any, disposition: Disposition, note: str = ""
) -> Disposition:
    """The sender withdraws a disposition nobody has read yet."""
    return _transition(
        action="cancel",
        actor=actor,
        disposition=disposition,
        note=note,
        notify_kind="disposition.cancelled",
    )
