"""Every write to dispositions: one service per state transition.

Lock order: the letter row, then the disposition, then (inside ``audit_record``) the
tenant's audit chain head. Each service keeps the letter's derived status current in
the same transaction.
"""

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
    deadline_past,
    not_holder,
    recipients_not_allowed,
    reply_letter_not_found,
    wrong_state,
)
from warkat.dispositions.models import (
    FINAL_STATES,
    Disposition,
    DispositionRead,
    FollowUp,
    FollowUpFile,
    State,
)
from warkat.dispositions.rules import (
    default_deadline_days,
    disposition_origin_check,
    disposition_settings,
    instruction_rules,
    recipients_allowed,
    reply_letter_find,
)
from warkat.letters.access import held_positions
from warkat.letters.files import Upload, file_check, stored_files_guard
from warkat.letters.models import IncomingStatus, Letter, LetterEvent
from warkat.org.models import Position
from warkat.tenancy.scope import current_tenant

#: action → (states it may start from, state it leads to). ``None`` keeps the state.
ALLOWED_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "read": (frozenset({State.SENT}), State.READ),
    "redispose": (
        frozenset({State.READ, State.FORWARDED, State.RETURNED, State.FOLLOWED_UP}),
        State.FORWARDED,
    ),
    "follow_up": (
        frozenset({State.READ, State.FORWARDED, State.RETURNED, State.FOLLOWED_UP}),
        State.FOLLOWED_UP,
    ),
    "decline": (frozenset({State.READ, State.RETURNED}), State.DECLINED),
    "close": (
        frozenset({State.READ, State.FORWARDED, State.FOLLOWED_UP, State.DECLINED}),
        State.CLOSED,
    ),
    "return": (frozenset({State.FOLLOWED_UP, State.DECLINED}), State.RETURNED),
    "cancel": (frozenset({State.SENT}), State.CANCELLED),
}

#: Actions of the recipient (holder of ``to_position``); the rest are the sender's.
RECIPIENT_ACTIONS = frozenset({"read", "redispose", "follow_up", "decline"})

_ACTION_WORDS = {
    "read": _("read"),
    "redispose": _("disposed further"),
    "follow_up": _("followed up"),
    "decline": _("declined"),
    "close": _("closed"),
    "return": _("sent back"),
    "cancel": _("cancelled"),
}


def transition_allowed(action: str, state: str) -> bool:
    return state in ALLOWED_TRANSITIONS[action][0]


def _target_state(action: str, state: str) -> str:
    target = ALLOWED_TRANSITIONS[action][1]
    # A follow-up already reported is not undone by disposing further.
    if action == "redispose" and state == State.FOLLOWED_UP:
        return state
    return target or state


def _require(action: str, disposition: Disposition) -> None:
    if not transition_allowed(action, disposition.state):
        raise wrong_state(disposition.get_state_display(), str(_ACTION_WORDS[action]))


def _capacity(actor: Any, position_id: int) -> str:
    capacity = held_positions(actor).get(position_id)
    if capacity is None:
        raise not_holder()
    return capacity


def _lock(disposition: Disposition) -> Disposition:
    """Lock the letter, then the disposition, and return the fresh row."""
    # Only the lock matters here: no columns are read.
    list(
        Letter.objects.select_for_update()
        .filter(pk=disposition.letter_id)
        .values_list("pk", flat=True)
    )
    return (
        Disposition.objects.select_for_update()
        .select_related("letter", "from_position", "to_position")
        .get(pk=disposition.pk)
    )


def _tenant(obj: Any) -> Any:
    """The object's tenant without a query when it is the active scope's."""
    active = current_tenant()
    return active if active is not None and active.pk == obj.tenant_id else obj.tenant


def letter_status_refresh(*, letter_id: int) -> str:
    """Derive the incoming letter's status from its disposition tree and store it."""
    # Read into Python on purpose: a single UPDATE deriving it with CASE and EXISTS
    # subqueries measured about four times slower (planning and compiling it).
    rows = list(
        Disposition.objects.filter(letter_id=letter_id)
        .exclude(state=State.CANCELLED)
        .values_list("parent_id", "state")
    )
    roots = [state for parent, state in rows if parent is None]
    if not roots:
        done_at, current = (
            Letter.objects.filter(pk=letter_id).values_list("done_at", "status").get()
        )
        # Sent back to the TU: it stays there until the TU sends it again.
        if current == IncomingStatus.RETURNED:
            status = IncomingStatus.RETURNED
        else:
            status = IncomingStatus.DONE if done_at else IncomingStatus.NEW
    elif all(state in FINAL_STATES for state in roots):
        status = IncomingStatus.DONE
    elif any(state == State.FOLLOWED_UP for _parent, state in rows):
        status = IncomingStatus.FOLLOWED_UP
    else:
        status = IncomingStatus.DISPOSED
    Letter.objects.filter(pk=letter_id).exclude(status=status).update(
        status=status, updated_at=timezone.now()
    )
    return status


_STATE_FIELDS = [
    "state",
    "state_note",
    "state_changed_at",
    "state_changed_by",
    "state_changed_capacity",
]
_CLOSED_ON_READ = _("For information: settled when read.")
_CLOSED_WITH_PARENT = _("Settled together with the disposition above it.")


def _subtree(d: Disposition) -> list[Disposition]:
    """The dispositions below ``d`` (locked; the letter lock is already held)."""
    rows = list(
        Disposition.objects.select_for_update()
        .filter(letter_id=d.letter_id)
        .exclude(pk=d.pk)
        .order_by("pk")
    )
    below: list[Disposition] = []
    parents = {d.pk}
    # Children were always created after their parent, so one pass in id order.
    for row in rows:
        if row.parent_id in parents:
            below.append(row)
            parents.add(row.pk)
    return below


def _reported(d: Disposition, below: list[Disposition]) -> bool:
    """A follow-up was reported on ``d`` or anywhere ``below`` it."""
    ids = [d.pk, *(row.pk for row in below)]
    return FollowUp.objects.filter(disposition_id__in=ids).exists()


def _close_below(
    below: list[Disposition], *, actor: Any, capacity: str, at: dt.datetime
) -> None:
    """Closing a disposition settles what is still open ``below`` it: no reminders
    or escalations for work the disposer has accepted. Unread ones are withdrawn."""
    for row in below:
        if row.state not in FINAL_STATES and row.state != State.DECLINED:
            _settle(
                row,
                actor=actor,
                capacity=capacity,
                note=str(_CLOSED_WITH_PARENT),
                at=at,
                state=State.CANCELLED if row.state == State.SENT else State.CLOSED,
            )


def _event(
    *,
    d: Disposition,
    kind: str,
    actor: Any | None,
    capacity: str = "",
    position_id: int | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> None:
    LetterEvent.objects.create(
        tenant_id=d.tenant_id,
        letter_id=d.letter_id,
        at=at or timezone.now(),
        kind=kind,
        person_id=getattr(actor, "person_id", None) if actor else None,
        capacity=capacity,
        position_id=position_id,
        disposition_id=d.pk,
        note=note,
    )


def _notify(d: Disposition, kind: str, position_ids: list[int], actor: Any) -> None:
    from warkat.notify.services import notify_positions

    notify_positions(
        tenant_id=d.tenant_id,
        position_ids=position_ids,
        kind=kind,
        letter_id=d.letter_id,
        disposition_id=d.pk,
        exclude_person_id=getattr(actor, "person_id", None),
    )


def _mark_read(d: Disposition, actor: Any, capacity: str, now: dt.datetime) -> None:
    DispositionRead.objects.create(
        tenant_id=d.tenant_id,
        disposition=d,
        person_id=actor.person_id,
        capacity=capacity,
        read_at=now,
    )
    if d.state == State.SENT:
        d.state = State.READ
        d.read_at = now
        d.read_by_id = actor.person_id
        d.save(update_fields=["state", "read_at", "read_by"])
        _event(
            d=d,
            kind="disposition_read",
            actor=actor,
            capacity=capacity,
            position_id=d.to_position_id,
            at=now,
        )


@transaction.atomic
def disposition_read(*, actor: Any, disposition: Disposition) -> Disposition:
    """Record that a holder of the recipient position opened the disposition.

    Every read is kept (``DispositionRead``); the first moves it from sent to read.
    """
    capacity = _capacity(actor, disposition.to_position_id)
    d = _lock(disposition)
    first = d.state == State.SENT
    now = timezone.now()
    _mark_read(d, actor, capacity, now)
    if first:
        if d.for_information:
            _settle(
                d, actor=actor, capacity=capacity, note=str(_CLOSED_ON_READ), at=now
            )
        audit_record(
            tenant=_tenant(d),
            actor=actor,
            action="disposition.read",
            obj=d,
            capacity=capacity,
        )
        letter_status_refresh(letter_id=d.letter_id)
    return d


def dispositions_read_on_open(*, actor: Any, letter: Letter) -> list[Disposition]:
    """The actor opened ``letter``: record a read of every live disposition of it
    addressed to a position they hold (the first read of each moves it to read)."""
    held = list(held_positions(actor))
    if not held:
        return []
    mine = Disposition.objects.filter(
        letter_id=letter.pk, to_position_id__in=held
    ).exclude(state=State.CANCELLED)
    return [disposition_read(actor=actor, disposition=d) for d in mine]


def _settle(
    d: Disposition,
    *,
    actor: Any,
    capacity: str,
    note: str,
    at: dt.datetime,
    state: str = State.CLOSED,
) -> None:
    """Close (or withdraw) ``d`` in place with its history event; the caller holds
    its lock."""
    d.state = state
    d.state_note = note
    d.state_changed_at = at
    d.state_changed_by_id = actor.person_id if actor else None
    d.state_changed_capacity = capacity
    d.save(update_fields=_STATE_FIELDS)
    _event(
        d=d,
        kind=state,
        actor=actor,
        capacity=capacity,
        position_id=d.to_position_id,
        note=note,
        at=at,
    )


def _validate_deadline(deadline: dt.date | None) -> None:
    if deadline is not None and deadline < timezone.localdate():
        raise deadline_past()


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
    capacity = _capacity(actor, from_position_id)
    ids = list(dict.fromkeys(int(i) for i in to_position_ids))
    if not ids:
        raise ValidationError(
            "disposition.recipient_required",
            _("Choose at least one position."),
            field="to_positions",
        )
    chosen = _validate_instructions(instructions)
    _validate_deadline(deadline)
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
    if parent is not None:
        parent = (
            Disposition.objects.select_for_update()
            .select_related("to_position")
            .get(pk=parent.pk)
        )
        if parent.state == State.SENT:
            _mark_read(parent, actor, capacity, timezone.now())
        _require("redispose", parent)
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
        new_state = _target_state("redispose", parent.state)
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
        tenant=_tenant(letter),
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
    capacity = _capacity(actor, position_id)
    if note_required and not note.strip():
        raise ValidationError(
            "disposition.note_required",
            _("Please give a reason or note."),
            field="note",
        )
    d = _lock(disposition)
    now = timezone.now()
    if recipient_side and d.state == State.SENT:
        _mark_read(d, actor, capacity, now)
    _require(action, d)
    below = _subtree(d) if action == "close" else []
    if action == "close" and d.report_required and not _reported(d, below):
        raise Conflict(
            "disposition.report_required",
            _(
                "The instruction asks for a report: it can be closed once a "
                "follow-up has been reported."
            ),
        )
    d.state = _target_state(action, d.state)
    d.state_note = note.strip()
    d.state_changed_at = now
    d.state_changed_by_id = actor.person_id
    d.state_changed_capacity = capacity
    fields = list(_STATE_FIELDS)
    if action == "return":
        # More work means a new round of reminders (and a new deadline if given).
        d.deadline = deadline or d.deadline
        d.reminded_at = None
        d.escalated_at = None
        fields += ["deadline", "reminded_at", "escalated_at"]
    d.save(update_fields=fields)
    _close_below(below, actor=actor, capacity=capacity, at=now)
    _event(
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
        tenant=_tenant(d),
        actor=actor,
        action=f"disposition.{action}",
        obj=d,
        capacity=capacity,
        data={"note": d.state_note} if d.state_note else None,
    )
    other = d.from_position_id if recipient_side else d.to_position_id
    _notify(d, notify_kind, [other], actor)
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
    _validate_deadline(deadline)
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


def followup_create(
    *,
    actor: Any,
    disposition: Disposition,
    text: str,
    files: Sequence[Upload] = (),
    reply_letter: Letter | None = None,
) -> FollowUp:
    """Report a tindak lanjut: text, optional files and a link to a reply letter."""
    capacity = _capacity(actor, disposition.to_position_id)
    if not text.strip():
        raise ValidationError(
            "followup.text_required",
            _("Describe the follow-up."),
            field="text",
        )
    if (
        reply_letter is not None
        and reply_letter_find(user=actor, letter_id=reply_letter.pk) is None
    ):
        raise reply_letter_not_found()
    checked = [file_check(upload=f) for f in files]
    with stored_files_guard() as stored:
        names = [
            stored.store(tenant_id=disposition.tenant_id, checked=c) for c in checked
        ]
        with transaction.atomic():
            d = _lock(disposition)
            now = timezone.now()
            if d.state == State.SENT:
                _mark_read(d, actor, capacity, now)
            _require("follow_up", d)
            follow_up = FollowUp.objects.create(
                tenant_id=d.tenant_id,
                disposition=d,
                person_id=actor.person_id,
                capacity=capacity,
                text=text.strip(),
                reply_letter=reply_letter,
                created_at=now,
            )
            FollowUpFile.objects.bulk_create(
                [
                    FollowUpFile(
                        tenant_id=d.tenant_id,
                        follow_up=follow_up,
                        storage_name=name,
                        original_name=c.name,
                        content_type=c.content_type,
                        size=c.size,
                        sha256=c.sha256,
                        uploaded_by=actor,
                    )
                    for c, name in zip(checked, names, strict=True)
                ]
            )
            d.state = _target_state("follow_up", d.state)
            d.followed_up_at = d.followed_up_at or now
            d.state_changed_at = now
            d.state_changed_by_id = actor.person_id
            d.state_changed_capacity = capacity
            d.save(
                update_fields=[
                    "state",
                    "followed_up_at",
                    "state_changed_at",
                    "state_changed_by",
                    "state_changed_capacity",
                ]
            )
            _event(
                d=d,
                kind="followed_up",
                actor=actor,
                capacity=capacity,
                position_id=d.to_position_id,
                note=follow_up.text[:500],
                at=now,
            )
            letter_status_refresh(letter_id=d.letter_id)
            audit_record(
                tenant=_tenant(d),
                actor=actor,
                action="disposition.follow_up",
                obj=d,
                capacity=capacity,
                data={"follow_up": follow_up.pk, "files": len(names)},
            )
            _notify(d, "disposition.followed_up", [d.from_position_id], actor)
    return follow_up


# The name the reference uses.
tindak_lanjut_create = followup_create
