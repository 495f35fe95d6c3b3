"""Errors of retention and disposal (penyusutan)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError


def forbidden() -> PermissionDenied:
    return PermissionDenied(
        "archive.forbidden", _("You do not have permission to do this.")
    )


def not_found() -> NotFound:
    return NotFound("archive.not_found", _("Not found."))


def settings_missing(what: str) -> ValidationError:
    return ValidationError(
        "archive.settings_missing",
        _("The archive settings do not name the %(what)s yet."),
        params={"what": what},
    )


def wrong_state(state: object) -> Conflict:
    return Conflict(
        "archive.wrong_state",
        _("This cannot be done while the list is %(state)s."),
        params={"state": state},
    )


def empty() -> ValidationError:
    return ValidationError(
        "archive.empty", _("Choose at least one letter."), field="letters"
    )


def not_due(label: str) -> ValidationError:
    return ValidationError(
        "archive.not_due",
        _("%(letter)s is not due for this step of its retention."),
        field="letters",
        params={"letter": label},
    )


def already_listed(label: str) -> Conflict:
    return Conflict(
        "archive.already_listed",
        _("%(letter)s is already on another open list."),
        params={"letter": label},
    )


def on_hold(label: str) -> Conflict:
    return Conflict(
        "archive.on_hold",
        _("%(letter)s is under a legal hold and can never be destroyed while held."),
        params={"letter": label},
    )


def secret_handover(label: str) -> ValidationError:
    return ValidationError(
        "archive.secret_handover",
        _("%(letter)s is secret: declassify it before handing it over."),
        field="letters",
        params={"letter": label},
    )


def reason_required() -> ValidationError:
    return ValidationError(
        "archive.reason_required", _("Give the reason."), field="reason"
    )


def hold_exists() -> Conflict:
    return Conflict("archive.hold_exists", _("The letter is already under a hold."))


def hold_too_late() -> Conflict:
    return Conflict(
        "archive.hold_too_late",
        _("The letter's files are already being destroyed or were destroyed."),
    )


def hold_released() -> Conflict:
    return Conflict("archive.hold_released", _("This hold was already released."))


def already_appraised() -> Conflict:
    return Conflict(
        "archive.already_appraised",
        _("Your committee position has already appraised this list."),
    )


def anri_required() -> ValidationError:
    return ValidationError(
        "archive.anri_required",
        _(
            "Records kept ten years or more need the approval of the head of ANRI: "
            "give its reference."
        ),
        field="anri_approval",
    )


def not_signer() -> PermissionDenied:
    return PermissionDenied(
        "archive.not_signer",
        _("You do not hold the position that signs next."),
    )


def signing_interrupted() -> Conflict:
    return Conflict(
        "archive.signing_interrupted",
        _("The list changed while it was being signed. Nothing was signed; try again."),
    )


def not_signed() -> Conflict:
    return Conflict(
        "archive.not_signed",
        _("Nothing is destroyed before the berita acara is signed."),
    )


def unit_head_missing(unit: str) -> ValidationError:
    return ValidationError(
        "archive.unit_head_missing",
        _("%(unit)s has no head position to sign the transfer."),
        params={"unit": unit},
    )
