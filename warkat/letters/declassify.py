"""Declassification: lowering a letter's security level.

Whoever holds the addressed position of an incoming letter — of an outgoing one, once
signed, the signing position — may lower its level, with a reason. It is recorded as
its own event (history and audit log), apart from corrections: a correction by the
records clerk (TU) may raise a level but never lower it (``letter_update``). A letter
sent inside Warkat and its delivered copies are declassified each by its own holder.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.errors import PermissionDenied, ValidationError
from warkat.letters.access import held_positions
from warkat.letters.integrity import reason_clean
from warkat.letters.models import (
    SECURITY_ORDER,
    Direction,
    Letter,
    LetterEvent,
    Security,
)


def declassifier_position_id(letter: Letter) -> int | None:
    """The position whose holder may lower ``letter``'s level: its addressee, or
    the signing position of an outgoing letter once it is signed (before that the
    drafter still edits the draft's level)."""
    if letter.direction == Direction.INCOMING:
        return letter.addressed_position_id
    if not letter.is_signed:
        return None
    draft = getattr(letter, "draft", None)
    return draft.signer_position_id if draft is not None else None


def declassify_capacity(*, user: Any, letter: Letter) -> str | None:
    """The capacity (definitif/plt/plh) in which ``user`` may declassify ``letter``
    today, or None."""
    position_id = declassifier_position_id(letter)
    if position_id is None:
        return None
    return held_positions(user).get(position_id)


def lower_levels(letter: Letter) -> list[tuple[str, str]]:
    """The levels below ``letter``'s, as (value, label) choices."""
    rank = SECURITY_ORDER.index(Security(letter.security))
    return [(level.value, str(level.label)) for level in SECURITY_ORDER[:rank]]


def _forbidden() -> PermissionDenied:
    return PermissionDenied(
        "letter.declassify_forbidden",
        _(
            "Only the holder of the addressed position (of an outgoing letter, the "
            "signing position, once signed) may lower its security level."
        ),
    )


def _check(*, security: str, current: str) -> None:
    if security not in Security.values:
        raise ValidationError(
            "letter.invalid_choice",
            _("The value %(value)s is not allowed here."),
            field="security",
            params={"value": security},
        )
    if SECURITY_ORDER.index(Security(security)) >= SECURITY_ORDER.index(
        Security(current)
    ):
        raise ValidationError(
            "letter.declassify_not_lower",
            _("Choose a security level below the letter's current one."),
            field="security",
        )


def letter_declassify(
    *, actor: Any, letter: Letter, security: str, reason: str
) -> Letter:
    """Lower ``letter``'s security level to ``security`` (holder of the position
    given by ``declassifier_position_id``), with a required reason."""
    if declassify_capacity(user=actor, letter=letter) is None:
        raise _forbidden()
    _check(security=security, current=letter.security)
    reason = reason_clean(
        reason,
        code="letter.declassify_reason",
        required=_("Give the reason for lowering the security level."),
    )
    with transaction.atomic():
        locked = Letter.objects.select_for_update(of=("self",)).get(pk=letter.pk)
        capacity = declassify_capacity(user=actor, letter=locked)
        if capacity is None:
            raise _forbidden()  # re-routed meanwhile
        _check(security=security, current=locked.security)
        before = locked.security
        # Named in the log as it was: a secret letter by its level and agenda line.
        audit_record(
            tenant=locked.tenant,
            actor=actor,
            action="letter.declassify",
            obj=locked,
            capacity=capacity,
            data={"from": before, "to": security, "reason": reason},
        )
        locked.security = security
        locked.save(update_fields=["security", "updated_at"])
        LetterEvent.objects.create(
            tenant_id=locked.tenant_id,
            letter=locked,
            at=timezone.now(),
            kind="declassified",
            person_id=actor.person_id,
            capacity=capacity,
            position_id=declassifier_position_id(locked),
            note=reason,
        )
    return locked


def letter_for_declassifier(*, user: Any, letter_id: int) -> Letter:
    """The letter for a declassification request: found for its declassifier (the
    signer of a secret outgoing letter is not among its letter readers), for whoever
    sees it at least as an agenda line (the service then refuses), else not found."""
    from warkat.letters.selectors import letter_for_user

    letter = Letter.objects.select_related("unit", "draft").filter(pk=letter_id).first()
    if letter is not None and declassify_capacity(user=user, letter=letter):
        return letter
    found, _access = letter_for_user(user=user, letter_id=letter_id)
    return found


def declassify_context(*, user: Any, letter: Letter) -> dict[str, Any]:
    """What the letter page shows of declassification (``declassify``)."""
    may = letter.security != Security.BIASA and bool(
        declassify_capacity(user=user, letter=letter)
    )
    return {"declassify": {"levels": lower_levels(letter)} if may else None}
