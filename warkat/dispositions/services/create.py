"""Disposing a letter to positions below, and disposing further (re-disposition)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.errors import Conflict, ValidationError
from warkat.dispositions.calendar import add_working_days
from warkat.dispositions.errors import (
    recipients_not_allowed,
)
from warkat.dispositions.models import (
    Disposition,
    State,
)
from warkat.dispositions.rules import (
    default_deadline_days,
    disposition_origin_check,
    disposition_settings,
    instruction_rules,
    recipients_allowed,
)
from warkat.dispositions.workflow import (
    acting_capacity,
    deadline_check,
    letter_status_refresh,
    mark_read,
    require_transition,
    target_state,
    tenant_of,
)
from warkat.letters.models import IncomingStatus, Letter, LetterEvent
from warkat.org.models import Position


@dataclass(frozen=True)
class _Chosen:
    labels: list[str]
    for_information: bool
    report_required: bool


def _validate_instructions(instructions: Sequence[str]) -> _Chosen:
    chosen = [i.strip() for i in instructions if i and i.strip()]
    if not chosen:
        raise ValidationError(
            "disposition.instruction_required",
            _("Choose at least one instruction."),
            field="instructions",
        )
    rules = {rule.label: rule for rule in instruction_rules() if rule.active}
    unknown = [i for i in chosen if i not in rules]
    if unknown:
        raise ValidationError(
            "disposition.instruction_unknown",
            _("Unknown instruction: %(names)s."),
            field="instructions",
            params={"names": ", ".join(unknown)},
        )
    labels = list(dict.fromkeys(chosen))
    return _Chosen(
        labels=labels,
        for_information=all(rules[label].closes_on_read for label in labels),
        report_required=any(rules[label].requires_report for label in labels),
    )


@transaction.atomic
def disposition_create(
    *,
    actor: Any,
    letter: Letter,
    to_position_ids: Sequence[int],
    instructions: Sequence[str],
    note: str = "",
    deadline: dt.date | None = None,
    parent: Disposition | None = None,
) -> list[Disposition]:
    """Dispose ``letter`` to one or more positions.

    Without ``parent`` the actor must hold the letter's addressed position; with it,
    the parent's recipient position (a re-disposition, which also moves the parent to
    "disposed further").
    """
    disposition_origin_check(letter=letter, parent=parent)
    from_position_id = parent.to_position_id if parent else letter.addressed_position_id
    assert from_position_id is not None  # checked above
    capacity = acting_capacity(actor, from_position_id)
    ids = list(dict.fromkeys(int(i) for i in to_position_ids))
    if not ids:
        raise ValidationError(
            "disposition.recipient_required",
            _("Choose at least one position."),
            field="to_positions",
        )
    chosen = _validate_instructions(instructions)
    deadline_check(deadline)
    settings = disposition_settings()
    if chosen.for_information:
        # "Untuk diketahui" is settled by reading it: nothing to be late with.
        deadline = None
    elif deadline is None:
        deadline = add_working_days(
            start=timezone.localdate(),
            days=default_deadline_days(letter.urgency, settings),
        )
    locked_status = list(
        Letter.objects.select_for_update()
        .filter(pk=letter.pk)
        .values_list("status", flat=True)
    )
    if IncomingStatus.RETURNED in locked_status:
        raise Conflict(
            "disposition.letter_returned",
            _(
                "This letter was sent back to the records clerk (TU); it can be "
                "disposed once the TU sends it again."
            ),
        )
    if IncomingStatus.DONE in locked_status:
        raise Conflict(
            "disposition.letter_done",
            _("This letter is settled (done); it is not disposed any further."),
        )
    if parent is not None:
        parent = (
            Disposition.objects.select_for_update()
            .select_related("to_position")
            .get(pk=parent.pk)
        )
        if parent.state == State.SENT:
            mark_read(parent, actor, capacity, timezone.now())
        require_transition("redispose", parent)
    # Whether each position already has a live disposition of this letter from
    # ``from_position`` comes with the positions (one query, read under the lock).
    already = Disposition.objects.filter(
        letter=letter, from_position_id=from_position_id, to_position_id=OuterRef("pk")
    ).exclude(state=State.CANCELLED)
    fetched = (
        Position.objects.select_related("unit")
        .annotate(already_sent=Exists(already))
        .in_bulk([*ids, from_position_id])
    )
    from_position = fetched[from_position_id]
    targets = [fetched[pk] for pk in ids if pk in fetched]
    allowed = recipients_allowed(
        from_position=from_position,
        targets=targets,
        allow_same_level=settings.allow_same_level,
    )
    refused = [t.name for t in targets if t.pk not in allowed]
    missing = set(ids) - {t.pk for t in targets}
    if refused or missing:
        raise recipients_not_allowed(
            ", ".join(refused + [f"#{m}" for m in sorted(missing)])
        )
    live = {t.pk for t in targets if t.already_sent}  # type: ignore[attr-defined]
    if live:
        names = ", ".join(t.name for t in targets if t.pk in live)
        raise Conflict(
            "disposition.already_sent",
            _("This letter was already disposed to %(names)s."),
            params={"names": names},
        )
    now = timezone.now()
    created = [
        Disposition(
            tenant_id=letter.tenant_id,
            letter=letter,
            parent=parent,
            from_position_id=from_position_id,
            from_person_id=actor.person_id,
            from_capacity=capacity,
            to_position_id=pk,
            instructions=chosen.labels,
            note=note.strip(),
            deadline=deadline,
            state=State.SENT,
            sent_at=now,
            for_information=chosen.for_information,
            report_required=chosen.report_required,
        )
        for pk in ids
    ]
    # No savepoint: the letter lock above serialises disposals of this letter, so
    # the check above is exact; a violation of the constraint anyway aborts the
    # whole service (the Conflict leaves the atomic block, which rolls back).
    try:
        created = Disposition.objects.bulk_create(created)
    except IntegrityError as exc:
        raise Conflict(
            "disposition.already_sent",
            _("This letter was already disposed to %(names)s."),
            params={"names": ", ".join(t.name for t in targets)},
        ) from exc
    if parent is not None:
        new_state = target_state("redispose", parent.state)
        if new_state != parent.state:
            parent.state = new_state
            parent.state_changed_at = now
            parent.state_changed_by_id = actor.person_id
            parent.state_changed_capacity = capacity
            parent.save(
                update_fields=[
                    "state",
                    "state_changed_at",
                    "state_changed_by",
                    "state_changed_capacity",
                ]
            )
    target_names = {t.pk: t.name for t in targets}
    LetterEvent.objects.bulk_create(
        [
            LetterEvent(
                tenant_id=d.tenant_id,
                letter_id=d.letter_id,
                at=now,
                kind="disposed",
                person_id=actor.person_id,
                capacity=capacity,
                position_id=d.to_position_id,
                disposition_id=d.pk,
                note=f"{target_names[d.to_position_id]}: {', '.join(chosen.labels)}",
            )
            for d in created
        ]
    )
    letter_status_refresh(letter_id=letter.pk)
    audit_record(
        tenant=tenant_of(letter),
        actor=actor,
        action="disposition.create",
        obj=letter,
        capacity=capacity,
        data={
            "dispositions": [d.pk for d in created],
            "to_positions": ids,
            "parent": parent.pk if parent else None,
            "deadline": deadline,
        },
    )
    from warkat.notify.services import notify_positions

    notify_positions(
        tenant_id=letter.tenant_id,
        position_ids=ids,
        kind="disposition.received",
        letter_id=letter.pk,
        exclude_person_id=actor.person_id,
    )
    return created
