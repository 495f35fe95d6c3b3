"""Errors of the dispositions domain."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


def wrong_state(state: str, action: str) -> Conflict:
    return Conflict(
        "disposition.wrong_state",
        _("This disposition is %(state)s; it cannot be %(action)s now."),
        params={"state": state, "action": action},
    )


def not_holder() -> PermissionDenied:
    return PermissionDenied(
        "disposition.not_holder",
        _("You do not hold the position this action belongs to today."),
    )


def disposition_not_found() -> NotFound:
    return NotFound("disposition.not_found", _("Disposition not found."))


def recipients_not_allowed(names: str) -> ValidationError:
    return ValidationError(
        "disposition.recipient_not_allowed",
        _("You cannot dispose to: %(names)s. Choose positions below yours."),
        field="to_positions",
        params={"names": names},
    )


def deadline_past() -> ValidationError:
    return ValidationError(
        "disposition.deadline_past",
        _("The deadline cannot be in the past."),
        field="deadline",
    )


def reply_letter_not_found() -> ValidationError:
    return ValidationError(
        "followup.reply_letter_invalid",
        _("The reply letter was not found."),
        field="reply_letter",
    )
