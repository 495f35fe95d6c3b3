"""What the addressee does with an incoming letter outside dispositions: read it,
settle it without disposing it, send it back to the records clerk (TU)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.errors import PermissionDenied, ValidationError
from warkat.letters.access import held_positions
from warkat.letters.integrity import reason_clean
from warkat.letters.models import Direction, IncomingStatus, Letter, LetterEvent


def _addressee_event(
    letter: Letter,
    *,
    kind: str,
    actor: Any,
    capacity: str,
    at: dt.datetime,
    note: str = "",
) -> None:
    """A history entry of something the addressee did, in the capacity they hold."""
    LetterEvent.objects.create(
        tenant_id=letter.tenant_id,
        letter=letter,
        at=at,
        kind=kind,
        person_id=actor.person_id,
        capacity=capacity,
        position_id=letter.addressed_position_id,
        note=note,
    )


def letter_read(*, actor: Any, letter: Letter) -> bool:
    """Record that a holder of the addressed position opened the letter (first read
    only changes the letter). Returns True when this was the first read."""
    capacity = held_positions(actor).get(letter.addressed_position_id or 0)
    # Decided before any transaction: every later opening of the letter page costs
    # no BEGIN/COMMIT.
    if capacity is None or letter.read_at is not None:
        return False
    return _letter_first_read(actor=actor, letter=letter, capacity=capacity)


@transaction.atomic
def _letter_first_read(*, actor: Any, letter: Letter, capacity: str) -> bool:
    now = timezone.now()
    updated = Letter.objects.filter(pk=letter.pk, read_at__isnull=True).update(
        read_at=now
    )
    if not updated:
        return False
    letter.read_at = now
    _addressee_event(letter, kind="read", actor=actor, capacity=capacity, at=now)
    if letter.is_copy:
        # A tembusan asks nothing more of its addressee than reading it.
        Letter.objects.filter(pk=letter.pk).update(
            status=IncomingStatus.DONE, done_at=now
        )
        letter.status, letter.done_at = IncomingStatus.DONE, now
    return True


@transaction.atomic
def letter_mark_done(*, actor: Any, letter: Letter, note: str = "") -> Letter:
    """The addressee settles a letter without disposing it (read for information,
    filed). Only while it has no disposition; once settled it is not disposed."""
    from warkat.core.errors import Conflict

    capacity = held_positions(actor).get(letter.addressed_position_id or 0)
    if capacity is None:
        raise PermissionDenied(
            "letter.not_addressee",
            _("Only a holder of the addressed position may settle this letter."),
        )
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.status != Letter.IncomingStatus.NEW:
        raise Conflict(
            "letter.not_settleable",
            _("This letter has dispositions; close them instead."),
        )
    now = timezone.now()
    locked.done_at = now
    locked.read_at = locked.read_at or now
    locked.status = Letter.IncomingStatus.DONE
    locked.save(update_fields=["done_at", "read_at", "status", "updated_at"])
    _addressee_event(
        locked, kind="done", actor=actor, capacity=capacity, at=now, note=note.strip()
    )
    audit_record(
        tenant=locked.tenant,
        actor=actor,
        action="letter.done",
        obj=locked,
        capacity=capacity,
        data={"note": note.strip()} if note.strip() else None,
    )
    return locked


def _return_forbidden() -> PermissionDenied:
    return PermissionDenied(
        "letter.return_forbidden",
        _(
            "Only a holder of the addressed position may send this letter back "
            "to the records clerk (TU)."
        ),
    )


def letter_return(*, actor: Any, letter: Letter, reason: str) -> Letter:
    """The addressee sends a letter not yet disposed back to the records clerk (TU)
    of its unit, with a reason (wrong addressee, wrong data). The TU sees it flagged
    in the registry and corrects it with ``letter_update``, which sends it again."""
    from warkat.core.errors import Conflict

    if letter.direction != Direction.INCOMING:
        raise ValidationError(
            "letter.not_incoming", _("Only incoming letters can be corrected.")
        )
    held = held_positions(actor)
    if letter.addressed_position_id not in held:
        raise _return_forbidden()
    reason = reason_clean(
        reason,
        code="letter.return_reason",
        required=_("Give the reason for sending the letter back."),
    )
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        capacity = held.get(locked.addressed_position_id or 0)
        if capacity is None:
            raise _return_forbidden()  # re-routed meanwhile
        if locked.status == Letter.IncomingStatus.RETURNED:
            raise Conflict(
                "letter.already_returned",
                _("This letter is already with the records clerk (TU)."),
            )
        if locked.status != Letter.IncomingStatus.NEW:
            raise Conflict(
                "letter.not_returnable",
                _(
                    "This letter has already been disposed or settled; it can no "
                    "longer be sent back to the records clerk (TU)."
                ),
            )
        now = timezone.now()
        locked.status = Letter.IncomingStatus.RETURNED
        # Read by whoever returns it: it is not waiting in their inbox any more.
        locked.read_at = locked.read_at or now
        locked.save(update_fields=["status", "read_at", "updated_at"])
        _addressee_event(
            locked,
            kind="sent_to_tu",
            actor=actor,
            capacity=capacity,
            at=now,
            note=reason,
        )
        audit_record(
            tenant=locked.tenant,
            actor=actor,
            action="letter.return",
            obj=locked,
            capacity=capacity,
            data={"reason": reason},
        )
        _notify_registry(locked, kind="letter.returned")
    return locked


def _notify_registry(letter: Letter, *, kind: str) -> None:
    """Notify the records clerks (TU) of the letter's unit and whoever registered
    it. They are not in its chain, so a secret letter's notice names no subject."""
    from django.db.models import Q

    from warkat.accounts.models import Role, User
    from warkat.notify.services import notify_positions

    people = set(
        User.objects.filter(
            Q(roles__role=Role.TU, roles__unit_id=letter.unit_id)
            | Q(pk=letter.registered_by_id or 0),
            person__isnull=False,
        ).values_list("person_id", flat=True)
    )
    notify_positions(
        tenant_id=letter.tenant_id,
        position_ids=[],
        person_ids=sorted(people),
        kind=kind,
        letter_id=letter.pk,
    )
