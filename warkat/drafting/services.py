"""Writes of the drafting workflow: create and update drafts (each save a version),
the paraf chain, submit, approve, return and edit in review.

The workflow is an explicit state machine (``ALLOWED_TRANSITIONS``); each transition
has one service; each service is one transaction that locks the draft row first,
records a letter event and an audit event. Signing and sending live in
``drafting.sending``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.drafting import errors
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.fields import (
    DraftFields,
    fields_apply,
    fields_validate,
    recipients_build,
    recipients_replace,
    snapshot,
)
from warkat.drafting.models import (
    Draft,
    DraftState,
    DraftVersion,
    Recipient,
    ReviewStep,
    StepKind,
    StepState,
)
from warkat.drafting.notices import draft_notify, turn_event
from warkat.letters.files import Upload, file_check, stored_files_guard
from warkat.letters.models import (
    Direction,
    Letter,
    LetterEvent,
    LetterFile,
)
from warkat.letters.services.delivery import receiving_unit
from warkat.org.models import Position
from warkat.org.selectors import holds_position, position_holders

State = DraftState

#: The drafting workflow. "Returned" is the transition back to draft.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.IN_REVIEW, State.APPROVED}),
    State.IN_REVIEW: frozenset({State.APPROVED, State.DRAFT}),
    State.APPROVED: frozenset({State.SIGNED, State.DRAFT}),
    State.SIGNED: frozenset({State.SENT}),
    State.SENT: frozenset(),
}
MAX_CHAIN = 12
MAX_ATTACHMENTS = 20


def transition_check(draft: Draft, to: str, action: Any) -> None:
    if to not in ALLOWED_TRANSITIONS[draft.state]:
        raise errors.wrong_state(State(draft.state).label, action)


# --- helpers ---------------------------------------------------------------------


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


def _lock(draft: Draft) -> Draft:
    """Lock the draft row (always first) and return it fresh."""
    return (
        Draft.objects.select_for_update(of=("self",))
        .select_related("letter", "naskah_type", "signer_position")
        .get(pk=draft.pk)
    )


def _event(
    draft: Draft,
    kind: str,
    *,
    actor: Any,
    capacity: str = "",
    position: Position | None = None,
    note: str = "",
) -> None:
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


def _audit(
    draft: Draft, action: str, *, actor: Any, capacity: str = "", **data: Any
) -> None:
    audit_record(
        tenant=draft.tenant,
        actor=actor,
        action=f"drafting.{action}",
        obj=draft.letter,
        capacity=capacity,
        data={"draft": draft.pk, "state": draft.state, **data},
    )


def _version_add(
    draft: Draft, letter: Letter, *, actor: Any, capacity: str, note: str = ""
) -> DraftVersion:
    draft.version += 1
    draft.save(update_fields=["version", "updated_at"])
    return DraftVersion.objects.create(
        tenant_id=draft.tenant_id,
        draft=draft,
        number=draft.version,
        data=snapshot(draft, letter),
        author_id=actor.person_id,
        author_capacity=capacity,
        note=note[:300],
        created_at=timezone.now(),
    )


def chain_build(
    *, drafter_position: Position, signer_position: Position
) -> list[Position]:
    """The hierarchical paraf chain: from the drafter's superior up to, not
    including, the signer. If the signer is not above the drafter, the chain stops
    below the first position that is also above the signer (their common superior)."""
    signer_above: set[int] = set()
    cursor: Position | None = signer_position
    while cursor is not None and len(signer_above) <= MAX_CHAIN * 2:
        signer_above.add(cursor.pk)
        cursor = cursor.superior
    chain: list[Position] = []
    cursor = (
        drafter_position.superior if drafter_position.pk != signer_position.pk else None
    )
    while cursor is not None and len(chain) < MAX_CHAIN:
        if cursor.pk in signer_above:
            break
        if cursor.is_active:
            chain.append(cursor)
        cursor = cursor.superior
    return chain


def _steps_create(draft: Draft, positions: Sequence[tuple[Position, str]]) -> None:
    rows = [
        ReviewStep(
            tenant_id=draft.tenant_id, draft=draft, round=draft.round, order=i,
            position=pos, kind=kind,
        )
        for i, (pos, kind) in enumerate(positions)
    ]  # fmt: skip
    rows.append(
        ReviewStep(
            tenant_id=draft.tenant_id, draft=draft, round=draft.round, order=len(rows),
            position=draft.signer_position, kind=StepKind.SIGNER,
        )
    )  # fmt: skip
    ReviewStep.objects.bulk_create(rows)


def _drafter_position(actor: Any, position: Position | None) -> Position:
    if position is not None:
        if holder_kind(actor=actor, position=position) is None:
            raise errors.invalid(
                "drafter_position",
                _("You do not hold %(position)s today."),
                "drafter_position",
                position=position.name,
            )
        return position
    from warkat.org.selectors import positions_held

    held = positions_held(person=person_of(actor)).first()
    if held is None:
        raise errors.forbidden(
            "no_position", _("You hold no position today, so you cannot draft.")
        )
    return held.position


def draft_create(
    *,
    actor: Any,
    fields: DraftFields,
    drafter_position: Position | None = None,
    files: Sequence[Upload] = (),
) -> Draft:
    """Start an outgoing letter: the letter row, the draft, its recipients, the
    default paraf chain and version 1."""
    person = person_of(actor)
    tenant = person.tenant
    catalogue_ensure(tenant=tenant)
    position = _drafter_position(actor, drafter_position)
    fields_validate(fields, tenant)
    recipients = recipients_build(
        tenant=tenant,
        items=fields.recipients,
        internal_only=fields.naskah_type.internal_only,
    )
    checked = [file_check(upload=f) for f in files[: MAX_ATTACHMENTS + 1]]
    if len(checked) > MAX_ATTACHMENTS:
        raise errors.invalid("too_many_files", _("Too many attachments."), "files")
    with stored_files_guard() as stored:
        names = [stored.store(tenant_id=tenant.pk, checked=c) for c in checked]
        with transaction.atomic():
            letter = Letter(
                tenant=tenant,
                direction=Direction.OUTGOING,
                unit=receiving_unit(position),
                status=State.DRAFT,
                registered_by=actor,
            )
            draft = Draft(tenant=tenant, drafter=person, drafter_position=position)
            fields_apply(draft, letter, fields)
            letter.save()
            draft.letter = letter
            draft.save()
            recipients_replace(draft, recipients)
            _files_attach(letter, checked, names, actor)
            _steps_create(
                draft,
                [(p, StepKind.HIERARCHY) for p in chain_build(
                    drafter_position=position, signer_position=draft.signer_position
                )],
            )  # fmt: skip
            _version_add(draft, letter, actor=actor, capacity="")
            _event(draft, "drafted", actor=actor, position=position)
            _audit(draft, "create", actor=actor, type=draft.naskah_type.code)
    return draft


def _files_attach(
    letter: Letter, checked: Sequence[Any], names: Sequence[str], actor: Any
) -> None:
    LetterFile.objects.bulk_create(
        [
            LetterFile(
                tenant_id=letter.tenant_id, letter=letter, kind=LetterFile.Kind.ATTACHMENT,
                storage_name=name, original_name=c.name, content_type=c.content_type,
                size=c.size, sha256=c.sha256, uploaded_by=actor,
            )
            for c, name in zip(checked, names, strict=True)
        ]
    )  # fmt: skip


def _save_fields(
    *,
    draft: Draft,
    actor: Any,
    fields: DraftFields,
    as_reviewer: bool,
    files: Sequence[Upload],
    remove_file_ids: Sequence[int],
    note: str,
) -> DraftVersion:
    """Save an edit as a new version: by the drafter while a draft, or by the
    reviewer whose turn it is while in review. Checked after the row is locked."""
    tenant = draft.tenant
    fields_validate(fields, tenant)
    recipients = recipients_build(
        tenant=tenant,
        items=fields.recipients,
        internal_only=fields.naskah_type.internal_only,
    )
    checked = [file_check(upload=f) for f in files[: MAX_ATTACHMENTS + 1]]
    with stored_files_guard() as stored:
        names = [stored.store(tenant_id=tenant.pk, checked=c) for c in checked]
        with transaction.atomic():
            locked = _lock(draft)
            capacity, position = "", locked.drafter_position
            if as_reviewer:
                if locked.state != State.IN_REVIEW:
                    raise errors.wrong_state(
                        State(locked.state).label, _("edited in review")
                    )
                step, capacity = _my_step(locked, actor)
                position = step.position
            else:
                if locked.state != State.DRAFT:
                    raise errors.wrong_state(
                        State(locked.state).label, _("edited by the drafter")
                    )
                if locked.drafter_id != getattr(actor, "person_id", None):
                    raise errors.not_drafter()
            old_signer = locked.signer_position_id
            letter = Letter.objects.select_for_update().get(pk=locked.letter_id)
            fields_apply(locked, letter, fields)
            signer_changed = locked.signer_position_id != old_signer
            if signer_changed and as_reviewer:
                raise errors.invalid(
                    "signer_locked",
                    _(
                        "The signing position can only be changed while the letter is a draft."
                    ),
                    "signer_position",
                )
            letter.save()
            locked.save()
            recipients_replace(locked, recipients)
            if remove_file_ids:
                LetterFile.objects.filter(
                    letter=letter,
                    kind=LetterFile.Kind.ATTACHMENT,
                    pk__in=list(remove_file_ids),
                ).delete()
            _files_attach(letter, checked, names, actor)
            count = LetterFile.objects.filter(
                letter=letter, kind=LetterFile.Kind.ATTACHMENT
            ).count()
            if count > MAX_ATTACHMENTS:
                raise errors.invalid(
                    "too_many_files", _("Too many attachments."), "files"
                )
            if signer_changed:
                # The chain ends at the signer: rebuild it for the new one.
                ReviewStep.objects.filter(draft=locked, round=locked.round).delete()
                _steps_create(
                    locked,
                    [(p, StepKind.HIERARCHY) for p in chain_build(
                        drafter_position=locked.drafter_position, signer_position=locked.signer_position
                    )],
                )  # fmt: skip
            version = _version_add(
                locked, letter, actor=actor, capacity=capacity, note=note
            )
            _event(
                locked,
                "edited",
                actor=actor,
                capacity=capacity,
                position=position,
                note=f"v{version.number}",
            )
            _audit(
                locked,
                "review_edit" if as_reviewer else "update",
                actor=actor,
                capacity=capacity,
                version=version.number,
            )
    draft.__dict__.update(locked.__dict__)
    return version


def draft_update(
    *,
    actor: Any,
    draft: Draft,
    fields: DraftFields,
    files: Sequence[Upload] = (),
    remove_file_ids: Sequence[int] = (),
) -> DraftVersion:
    """The drafter saves changes while the letter is a draft; a new version."""
    if draft.state != State.DRAFT:
        raise errors.wrong_state(State(draft.state).label, _("edited by the drafter"))
    if draft.drafter_id != getattr(actor, "person_id", None):
        raise errors.not_drafter()
    return _save_fields(
        draft=draft, actor=actor, fields=fields, as_reviewer=False, files=files,
        remove_file_ids=remove_file_ids, note="",
    )  # fmt: skip


# --- the paraf chain -------------------------------------------------------------------


@dataclass(frozen=True)
class StepInput:
    position: Position
    kind: str = StepKind.HIERARCHY


@transaction.atomic
def chain_set(
    *, actor: Any, draft: Draft, steps: Sequence[StepInput]
) -> list[ReviewStep]:
    """The drafter adjusts the paraf chain before submitting: order, removals,
    coordination reviewers. The signer always closes the chain."""
    locked = _lock(draft)
    if locked.state != State.DRAFT:
        raise errors.wrong_state(
            State(locked.state).label, _("given a new paraf chain")
        )
    if locked.drafter_id != getattr(actor, "person_id", None):
        raise errors.not_drafter()
    if len(steps) > MAX_CHAIN:
        raise errors.invalid("chain_long", _("The paraf chain is too long."), "steps")
    seen: set[int] = set()
    for step in steps:
        pos = step.position
        if step.kind not in {StepKind.HIERARCHY, StepKind.COORDINATION}:
            raise errors.invalid("step_kind", _("Unknown paraf kind."), "steps")
        if pos.tenant_id != locked.tenant_id or not pos.is_active:
            raise errors.invalid(
                "step_position", _("Choose active positions of this Pemda."), "steps"
            )
        if pos.pk in seen:
            raise errors.invalid(
                "step_duplicate",
                _("%(position)s is in the chain twice."),
                "steps",
                position=pos.name,
            )
        if pos.pk == locked.signer_position_id:
            raise errors.invalid(
                "step_signer",
                _("The signer signs at the end; do not add them as a reviewer."),
                "steps",
            )
        seen.add(pos.pk)
    ReviewStep.objects.filter(draft=locked, round=locked.round).delete()
    _steps_create(locked, [(s.position, s.kind) for s in steps])
    _audit(locked, "chain_set", actor=actor, steps=[s.position.pk for s in steps])
    return list(
        ReviewStep.objects.filter(draft=locked, round=locked.round).order_by("order")
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


def _advance(draft: Draft, actor: Any) -> None:
    """Move to approved when only the signer's step is left."""
    step = current_step(draft)
    if step is None or step.kind == StepKind.SIGNER:
        transition_check(draft, State.APPROVED, _("approved"))
        draft.state = State.APPROVED
        draft.approved_at = timezone.now()
        draft.save(update_fields=["state", "approved_at", "updated_at"])
        Letter.objects.filter(pk=draft.letter_id).update(status=State.APPROVED)
        _event(draft, "approved", actor=actor)


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
    locked = _lock(draft)
    transition_check(locked, State.IN_REVIEW, _("submitted"))
    if locked.drafter_id != getattr(actor, "person_id", None):
        raise errors.not_drafter()
    _incomplete(locked)
    locked.state = State.IN_REVIEW
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["state", "submitted_at", "updated_at"])
    Letter.objects.filter(pk=locked.letter_id).update(status=State.IN_REVIEW)
    _event(
        locked,
        "submitted",
        actor=actor,
        position=locked.drafter_position,
        note=f"v{locked.version}",
    )
    _advance(locked, actor)
    _audit(locked, "submit", actor=actor, version=locked.version)
    draft_notify(draft=locked, event=turn_event(locked))
    draft.__dict__.update(locked.__dict__)
    return locked


def _my_step(draft: Draft, actor: Any) -> tuple[ReviewStep, str]:
    step = current_step(draft)
    if step is None or step.kind == StepKind.SIGNER:
        raise errors.not_your_turn()
    kind = holder_kind(actor=actor, position=step.position)
    if kind is None:
        raise errors.not_your_turn()
    return step, kind


@transaction.atomic
def review_approve(*, actor: Any, draft: Draft, note: str = "") -> ReviewStep:
    """Paraf: the holder of the current step's position approves the version shown."""
    locked = _lock(draft)
    if locked.state != State.IN_REVIEW:
        raise errors.wrong_state(State(locked.state).label, _("approved"))
    step, kind = _my_step(locked, actor)
    step.state = StepState.APPROVED
    step.acted_by_id = actor.person_id
    step.acted_capacity = kind
    step.acted_at = timezone.now()
    step.note = note.strip()[:2000]
    step.version = locked.version
    step.save()
    _event(
        locked,
        "paraf",
        actor=actor,
        capacity=kind,
        position=step.position,
        note=step.note,
    )
    _advance(locked, actor)
    _audit(
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
    locked = _lock(draft)
    transition_check(locked, State.DRAFT, _("returned"))
    if not note.strip():
        raise errors.invalid("note_required", _("Say what must change."), "note")
    if locked.state == State.APPROVED:
        step = current_step(locked)
        kind = holder_kind(actor=actor, position=locked.signer_position)
        if step is None or kind is None:
            raise errors.not_signer()
    else:
        step, kind = _my_step(locked, actor)
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
    _steps_create(locked, [(s.position, s.kind) for s in previous])
    Letter.objects.filter(pk=locked.letter_id).update(status=State.DRAFT)
    _event(
        locked,
        "returned",
        actor=actor,
        capacity=kind,
        position=step.position,
        note=step.note,
    )
    _audit(locked, "return", actor=actor, capacity=kind, step=step.pk)
    draft_notify(draft=locked, event="returned")
    draft.__dict__.update(locked.__dict__)
    return locked


def review_edit(
    *,
    actor: Any,
    draft: Draft,
    fields: DraftFields,
    note: str = "",
    files: Sequence[Upload] = (),
    remove_file_ids: Sequence[int] = (),
) -> DraftVersion:
    """The reviewer whose turn it is corrects the draft (a new version) and then
    still gives or withholds their paraf."""
    if draft.state != State.IN_REVIEW:
        raise errors.wrong_state(State(draft.state).label, _("edited in review"))
    return _save_fields(
        draft=draft, actor=actor, fields=fields, as_reviewer=True, files=files,
        remove_file_ids=remove_file_ids, note=note,
    )  # fmt: skip
