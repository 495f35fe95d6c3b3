"""Errors of outgoing-letter drafting, review, numbering and signing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


def invalid(
    code: str, message: Any, field: str | None = None, **params: Any
) -> ValidationError:
    return ValidationError(f"drafting.{code}", message, field=field, params=params)


def forbidden(code: str, message: Any, **params: Any) -> PermissionDenied:
    return PermissionDenied(f"drafting.{code}", message, params=params)


def draft_not_found() -> NotFound:
    return NotFound("drafting.not_found", _("Outgoing letter not found."))


def wrong_state(state: Any, action: Any) -> Conflict:
    return Conflict(
        "drafting.wrong_state",
        _("The letter is %(state)s; it cannot be %(action)s now."),
        params={"state": state, "action": action},
    )


def not_your_turn() -> PermissionDenied:
    return forbidden(
        "not_your_turn",
        _("This letter is not waiting for a paraf from a position you hold today."),
    )


def not_signer() -> PermissionDenied:
    return forbidden(
        "not_signer",
        _("Only a holder of the signing position may sign this letter today."),
    )


def not_drafter() -> PermissionDenied:
    return forbidden("not_drafter", _("Only the drafter may change this draft now."))


def number_format_invalid(reason: Any) -> ValidationError:
    return ValidationError(
        "drafting.number_format_invalid",
        _("The number format is not valid: %(reason)s"),
        field="pattern",
        params={"reason": reason},
    )


def template_invalid(reason: str) -> ValidationError:
    return ValidationError(
        "drafting.template_invalid",
        _("The layout template cannot be used: %(reason)s"),
        field="template_html",
        params={"reason": reason},
    )


def not_tu() -> PermissionDenied:
    return forbidden(
        "not_tu",
        _(
            "Only the unit's records clerk (TU) or an administrator may manage its numbers."
        ),
    )


def not_admin() -> PermissionDenied:
    return forbidden("not_admin", _("Only the tenant administrator may change this."))


def signing_interrupted() -> Conflict:
    return Conflict(
        "drafting.signing_interrupted",
        _(
            "The letter changed or its number was released while it was being "
            "signed; nothing was signed. Sign it again."
        ),
    )


def number_being_signed() -> Conflict:
    return Conflict(
        "drafting.number_being_signed",
        _(
            "This number belongs to a letter being signed; it is released by "
            "itself if the signing does not finish."
        ),
    )


def batch_letter_failed() -> Conflict:
    return Conflict(
        "drafting.batch_letter_failed",
        _("The letter could not be signed; nothing was signed. Sign it again."),
    )


def batch_not_found() -> NotFound:
    return NotFound("drafting.batch_not_found", _("Signing batch not found."))
