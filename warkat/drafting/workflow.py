"""The drafting state machine and what every transition shares: the allowed
transitions, who acts in which capacity, locking the draft row, the current paraf
step, and the letter and audit events.

Used by the writes in ``drafting.services``, signing and sending (``sending``,
``register``) and the background work (``notices``, ``delivery``). Lock order: the
draft row first, then the letter, the number counter and the register entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import AuditEntry, audit_records
from warkat.drafting import errors
from warkat.drafting.models import Draft, DraftState, ReviewStep, StepKind, StepState
from warkat.letters.models import LetterEvent
from warkat.org.models import Position
from warkat.org.selectors import holds_position

State = DraftState

#: The drafting workflow. "Returned" is the transition back to draft.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.IN_REVIEW, State.APPROVED}),
    State.IN_REVIEW: frozenset({State.APPROVED, State.DRAFT}),
    State.APPROVED: frozenset({State.SIGNED, State.DRAFT}),
    State.SIGNED: frozenset({State.SENT}),
    State.SENT: frozenset(),
}


def transition_check(draft: Draft, to: str, action: Any) -> None:
    if to not in ALLOWED_TRANSITIONS[draft.state]:
        raise errors.wrong_state(State(draft.state).label, action)


def person_of(actor: Any) -> Any:
    person = (
        getattr(actor, "person", None) if getattr(actor, "person_id", None) else None
    )
    if person is None:
        raise errors.forbidden(
            "no_person", _("Only staff with a position can do this.")
        )
    return person


def holder_kind(
    *, actor: Any, position: Position, on: dt.date | None = None
) -> str | None:
    """The assignment kind (definitif/plt/plh) through which ``actor`` holds
    ``position`` today, or None."""
    if not getattr(actor, "person_id", None):
        return None
    assignment = holds_position(person=actor.person, position=position, on=on)
    return assignment.kind if assignment is not None else None


def lock_draft(draft: Draft, *, skip_locked: bool = False) -> Draft:
    """Lock the draft row (always first) and return it fresh. ``skip_locked``:
    ``Draft.DoesNotExist`` instead of waiting when another transaction holds it."""
    return (
        Draft.objects.select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("letter", "naskah_type", "signer_position")
        .get(pk=draft.pk)
    )


def event_record(
    draft: Draft,
    kind: str,
    *,
    actor: Any,
    capacity: str = "",
    position: Position | None = None,
    note: str = "",
) -> None:
    """A line of the letter's history."""
    LetterEvent.objects.create(
        tenant_id=draft.tenant_id,
        letter_id=draft.letter_id,
        at=timezone.now(),
        kind=kind,
        person_id=getattr(actor, "person_id", None),
        capacity=capacity,
        position=position,
        note=note[:2000],
    )


def audit_drafting(
    draft: Draft, action: str, *, actor: Any, capacity: str = "", **data: Any
) -> None:
    """The audit event ``drafting.<action>`` of the draft's letter."""
    entry = audit_drafting_entry(draft, action, actor=actor, capacity=capacity, **data)
    audit_records(tenant=draft.tenant, entries=[entry])


def audit_drafting_entry(
    draft: Draft, action: str, *, actor: Any, capacity: str = "", **data: Any
) -> AuditEntry:
    """``audit_drafting``'s event, to append together with others."""
    return AuditEntry(
        actor=actor,
        action=f"drafting.{action}",
        obj=draft.letter,
        capacity=capacity,
        data={"draft": draft.pk, "state": draft.state, **data},
    )


def current_step(draft: Draft) -> ReviewStep | None:
    """The first pending step of the current round (the signer's last)."""
    return (
        ReviewStep.objects.filter(
            draft=draft, round=draft.round, state=StepState.PENDING
        )
        .select_related("position")
        .order_by("order")
        .first()
    )


def step_of_actor(draft: Draft, actor: Any) -> tuple[ReviewStep, str]:
    """The current paraf step if it is ``actor``'s turn, with the capacity in which
    they hold its position; otherwise "not your turn"."""
    step = current_step(draft)
    if step is None or step.kind == StepKind.SIGNER:
        raise errors.not_your_turn()
    kind = holder_kind(actor=actor, position=step.position)
    if kind is None:
        raise errors.not_your_turn()
    return step, kind
