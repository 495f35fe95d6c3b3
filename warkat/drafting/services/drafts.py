"""Writes of a draft's content: create and update drafts (each save a new version),
and the reviewer's edit in review. Checked after the draft row is locked
(``drafting.workflow``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
from warkat.drafting.models import Draft, DraftVersion, ReviewStep, StepKind
from warkat.drafting.services.chain import chain_build, steps_create
from warkat.drafting.workflow import (
    State,
    audit_drafting,
    event_record,
    holder_kind,
    lock_draft,
    person_of,
    step_of_actor,
)
from warkat.letters.files import Upload, file_check, stored_files_guard
from warkat.letters.models import Direction, Letter, LetterFile
from warkat.letters.services.delivery import receiving_unit
from warkat.org.models import Position

MAX_ATTACHMENTS = 20


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
            steps_create(
                draft,
                [(p, StepKind.HIERARCHY) for p in chain_build(
                    drafter_position=position, signer_position=draft.signer_position
                )],
            )  # fmt: skip
            _version_add(draft, letter, actor=actor, capacity="")
            event_record(draft, "drafted", actor=actor, position=position)
            audit_drafting(draft, "create", actor=actor, type=draft.naskah_type.code)
    return draft


def _files_attach(
    letter: Letter, checked: Sequence[Any], names: Sequence[str], actor: Any
) -> None:
    # One save each, not bulk_create: a new file's post_save queues its text (ocr).
    for c, name in zip(checked, names, strict=True):
        LetterFile(
            tenant_id=letter.tenant_id, letter=letter, kind=LetterFile.Kind.ATTACHMENT,
            storage_name=name, original_name=c.name, content_type=c.content_type,
            size=c.size, sha256=c.sha256, uploaded_by=actor,
        ).save()  # fmt: skip


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
            locked = lock_draft(draft)
            capacity, position = "", locked.drafter_position
            if as_reviewer:
                if locked.state != State.IN_REVIEW:
                    raise errors.wrong_state(
                        State(locked.state).label, _("edited in review")
                    )
                step, capacity = step_of_actor(locked, actor)
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
                steps_create(
                    locked,
                    [(p, StepKind.HIERARCHY) for p in chain_build(
                        drafter_position=locked.drafter_position, signer_position=locked.signer_position
                    )],
                )  # fmt: skip
            version = _version_add(
                locked, letter, actor=actor, capacity=capacity, note=note
            )
            event_record(
                locked,
                "edited",
                actor=actor,
                capacity=capacity,
                position=position,
                note=f"v{version.number}",
            )
            audit_drafting(
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
