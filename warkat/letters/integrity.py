"""What no write may do to a signed or secret letter, checked by the letter services.

A letter signed in Warkat (and the copy of one delivered to an inbox) keeps its
content and files; a file is added only by whoever may act on the letter in its
current state; a correction never lowers a security level (that is
declassification, ``warkat.letters.declassify``) and never opens a letter to its
author.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, PermissionDenied, ValidationError
from warkat.letters.access import (
    Access,
    held_positions,
    is_tenant_admin,
    letter_access,
    tu_unit_ids,
)
from warkat.letters.models import SECURITY_ORDER, Direction, IncomingStatus, Letter


def file_addable(*, actor: Any, letter: Letter) -> None:
    """Raise unless ``actor`` may add a file to ``letter`` in its current state:
    the records clerk (TU) of its unit or a tenant admin who may read it, while its
    registration may still be corrected (not yet disposed or settled). A signed
    letter (and the copy of one delivered here) keeps the files it was signed with;
    an outgoing letter's attachments belong to its draft."""
    if not (is_tenant_admin(actor) or letter.unit_id in tu_unit_ids(actor)):
        raise PermissionDenied(
            "letter.file_forbidden",
            _("Only the unit's records clerk (TU) or an administrator may add files."),
        )
    if letter_access(actor, letter) != Access.FULL:
        raise PermissionDenied(
            "letter.file_secret",
            _(
                "Only the addressees and the disposition chain of a secret letter "
                "may add files to it."
            ),
        )
    if letter.is_signed:
        raise signed_frozen()
    if letter.direction != Direction.INCOMING or letter.status not in (
        IncomingStatus.NEW,
        IncomingStatus.RETURNED,
    ):
        raise Conflict(
            "letter.files_closed",
            _(
                "Files can be added only while the letter's registration may be "
                "corrected (before it is disposed or settled); an outgoing "
                "letter's attachments are added to its draft."
            ),
        )


def signed_frozen() -> Conflict:
    return Conflict(
        "letter.signed_frozen",
        _(
            "This letter was signed electronically: its content, number, date, "
            "sender and files can no longer change. Write a correction letter instead."
        ),
    )


#: What a letter delivered from a signed one carries from the signed original.
SIGNED_FIELDS = frozenset(
    {"sender_institution", "sender_name", "number", "letter_date", "subject", "summary"}
)


def correction_guard(
    *,
    actor: Any,
    letter: Letter,
    before: dict[str, Any],
    after: dict[str, Any],
    changed: Sequence[str],
) -> None:
    """What no correction may do: rewrite a signed original's content, lower the
    security level (that is declassification, the addressee's own act), or open
    a letter to its author (a clerk who sees only a secret letter's agenda line
    cannot route it to a position they hold)."""
    if letter.is_signed and SIGNED_FIELDS & set(changed):
        raise signed_frozen()
    if "security" in changed and SECURITY_ORDER.index(
        after["security"]
    ) < SECURITY_ORDER.index(before["security"]):
        raise ValidationError(
            "letter.security_lowering",
            _(
                "A correction cannot lower the security level. Lowering it is "
                "declassification: the holder of the addressed position does it "
                "on the letter page, with a reason."
            ),
            field="security",
        )
    position = after["addressed_position"]
    if (
        "addressed_position" in changed
        and getattr(position, "pk", position) in held_positions(actor)
        and letter_access(actor, letter) != Access.FULL
    ):
        raise PermissionDenied(
            "letter.reroute_to_self",
            _("A letter you may not read cannot be routed to a position you hold."),
            field="addressed_position",
        )


def reason_clean(reason: str | None, *, code: str, required: Any) -> str:
    """A reason given for an act on a letter (sending it back, declassifying it):
    stripped, required (``required``: the message), at most 2000 characters.
    Codes ``{code}_required`` and ``{code}_long``."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError(f"{code}_required", required, field="reason")
    if len(text) > 2000:
        raise ValidationError(
            f"{code}_long",
            _("The reason may be at most 2000 characters."),
            field="reason",
        )
    return text
