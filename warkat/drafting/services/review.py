"""The transitions of the paraf chain: submit, approve (paraf) and return to the
drafter. Each is one transaction that locks the draft row first, records a letter
event and an audit event, and queues the notices of whose turn it is."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.drafting import errors
from warkat.drafting.models import Draft, Recipient, ReviewStep, StepKind, StepState
from warkat.drafting.notices import turn_event
from warkat.drafting.services.chain import steps_create
from warkat.drafting.services.notify import draft_notify
from warkat.drafting.tasks import render_ahead_queue
from warkat.drafting.workflow import (
    State,
    audit_drafting,
    current_step,
    event_record,
    holder_kind,
    lock_draft,
    step_of_actor,
    transition_check,
)
from warkat.letters.models import Letter
from warkat.org.selectors import position_holders


def _advance(draft: Draft, actor: Any) -> None:
    """Move to approved when only the signer's step is left."""
    step = current_step(draft)
    if step is None or step.kind == StepKind.SIGNER:
        transition_check(draft, State.APPROVED, _("approved"))
        draft.state = State.APPROVED
        draft.approved_at = timezone.now()
        draft.save(update_fields=["state", "approved_at", "updated_at"])
        Letter.objects.filter(pk=draft.letter_id).update(status=State.APPROVED)
        event_record(draft, "approved", actor=actor)
        render_ahead_queue(draft=draft)


def _incomplete(draft: Draft) -> None:
    if not draft.body.strip():
        raise errors.invalid(
            "body_required", _("Write the body of the letter first."), "body"
        )
    has_to = Recipient.objects.filter(draft=draft, role=Recipient.Role.TO).exists()
    if not has_to and draft.naskah_type.layout != "judul":
        raise errors.invalid(
            "recipients_required", _("Add at least one addressee."), "recipients"
        )
    if not position_holders(position=draft.signer_position).exists():
        raise errors.invalid(
            "signer_vacant",
            _(
                "Nobody holds %(position)s today (definitif, Plt. or Plh.), so it cannot be signed."
            ),
            "signer_position",
            position=draft.signer_position.name,
        )
    if draft.letter.classification_id is None:
        raise errors.invalid(
            "classification_required",
            _("Choose a classification code."),
            "classification",
        )


@transaction.atomic
def draft_submit(*, actor: Any, draft: Draft) -> Draft:
    """The drafter sends the draft up the paraf chain (or straight to the signer
    when the chain is empty)."""
    locked = lock_draft(draft)
    transition_check(locked, State.IN_REVIEW, _("submitted"))
    if locked.drafter_id != getattr(actor, "person_id", None):
        raise errors.not_drafter()
    _incomplete(locked)
    locked.state = State.IN_REVIEW
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["state", "submitted_at", "updated_at"])
    Letter.objects.filter(pk=locked.letter_id).update(status=State.IN_REVIEW)
    event_record(
        locked,
        "submitted",
        actor=actor,
        position=locked.drafter_position,
        note=f"v{locked.version}",
    )
    _advance(locked, actor)
    audit_drafting(locked, "submit", actor=actor, version=locked.version)
    draft_notify(draft=locked, event=turn_event(locked))
    draft.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def review_approve(*, actor: Any, draft: Draft, note: str = "") -> ReviewStep:
    """Paraf: the holder of the current step's position approves the version shown."""
    locked = lock_draft(draft)
    if locked.state != State.IN_REVIEW:
        raise errors.wrong_state(State(locked.state).label, _("approved"))
    step, kind = step_of_actor(locked, actor)
    step.state = StepState.APPROVED
    step.acted_by_id = actor.person_id
    step.acted_capacity = kind
    step.acted_at = timezone.now()
    step.note = note.strip()[:2000]
    step.version = locked.version
    step.save()
    event_record(
        locked,
        "paraf",
        actor=actor,
        capacity=kind,
        position=step.position,
        note=step.note,
    )
    _advance(locked, actor)
    audit_drafting(
        locked,
        "approve",
        actor=actor,
        capacity=kind,
        step=step.pk,
        version=locked.version,
    )
    draft_notify(draft=locked, event=turn_event(locked))
    draft.__dict__.update(locked.__dict__)
    return step


@transaction.atomic
def review_return(*, actor: Any, draft: Draft, note: str) -> Draft:
    """A reviewer (in review) or the signer (approved) sends the draft back to the
    drafter with notes; the next submission starts a new round of paraf."""
    locked = lock_draft(draft)
    transition_check(locked, State.DRAFT, _("returned"))
    if not note.strip():
        raise errors.invalid("note_required", _("Say what must change."), "note")
    if locked.state == State.APPROVED:
        step = current_step(locked)
        kind = holder_kind(actor=actor, position=locked.signer_position)
        if step is None or kind is None:
            raise errors.not_signer()
    else:
        step, kind = step_of_actor(locked, actor)
    step.state = StepState.RETURNED
    step.acted_by_id = actor.person_id
    step.acted_capacity = kind
    step.acted_at = timezone.now()
    step.note = note.strip()[:2000]
    step.version = locked.version
    step.save()
    previous = list(
        ReviewStep.objects.filter(draft=locked, round=locked.round)
        .exclude(kind=StepKind.SIGNER)
        .select_related("position")
        .order_by("order")
    )
    locked.round += 1
    locked.state = State.DRAFT
    locked.approved_at = None
    locked.save(update_fields=["round", "state", "approved_at", "updated_at"])
    steps_create(locked, [(s.position, s.kind) for s in previous])
    Letter.objects.filter(pk=locked.letter_id).update(status=State.DRAFT)
    event_record(
        locked,
        "returned",
        actor=actor,
        capacity=kind,
        position=step.position,
        note=step.note,
    )
    audit_drafting(locked, "return", actor=actor, capacity=kind, step=step.pk)
    draft_notify(draft=locked, event="returned")
    draft.__dict__.update(locked.__dict__)
    return locked
