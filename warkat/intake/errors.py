"""Errors of letters from outside (mail-in and exchange packages)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from warkat.letters.errors import lazy_message


class MailboxUnavailable(DomainError):
    """The IMAP server could not be reached or refused the sign-in."""

    status_code = 502


def mailbox_unreachable(detail: str) -> MailboxUnavailable:
    return MailboxUnavailable(
        "intake.mailbox_unreachable",
        _(
            "The mailbox could not be reached (%(detail)s); it will be tried again later."
        ),
        params={"detail": detail},
    )


def mailbox_login_failed() -> MailboxUnavailable:
    return MailboxUnavailable(
        "intake.mailbox_login_failed",
        _(
            "The mailbox refused the user name or password; it will be tried again later."
        ),
    )


def mailbox_not_found() -> NotFound:
    return NotFound("intake.mailbox_not_found", _("Mailbox not found."))


def item_not_found() -> NotFound:
    return NotFound("intake.item_not_found", _("Incoming item not found."))


def item_handled() -> Conflict:
    return Conflict(
        "intake.item_handled",
        _("This item has already been registered, discarded or refused."),
    )


def reason_required() -> ValidationError:
    return ValidationError(
        "intake.reason_required", _("Give a reason for discarding."), field="reason"
    )


def mailbox_invalid(reason: Any) -> ValidationError:
    return ValidationError("intake.mailbox_invalid", reason)


def message_too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        "intake.message_too_large",
        _(
            "The message is %(size)s MB, over the limit of %(limit)s MB; it was not read."
        ),
        params={
            "size": round(size / (1024 * 1024), 1),
            "limit": limit // (1024 * 1024),
        },
    )


def message_malformed(detail: Any) -> ValidationError:
    return ValidationError(
        "intake.message_malformed",
        lazy_message(_("The message is malformed: %(detail)s"), {"detail": detail}),
    )


def message_without_pdf() -> ValidationError:
    return ValidationError(
        "intake.message_without_pdf", _("The message has no PDF attachment.")
    )


def package_invalid(detail: Any) -> ValidationError:
    return ValidationError(
        "intake.package_invalid",
        lazy_message(
            _("The exchange package was refused: %(detail)s"), {"detail": detail}
        ),
        field="package",
    )


def item_forbidden() -> PermissionDenied:
    return PermissionDenied(
        "intake.forbidden",
        _("Only the unit's records clerk (TU) or an administrator may do this here."),
    )


def export_forbidden() -> PermissionDenied:
    return PermissionDenied(
        "intake.export_forbidden",
        _("Only people in the letter's chain may export this letter."),
    )
