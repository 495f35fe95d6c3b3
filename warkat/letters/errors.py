"""Errors of the letters domain."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, DomainError, NotFound, ValidationError


class StorageUnavailable(DomainError):
    """The file store refused the write; nothing was saved."""

    status_code = 503


def file_refused(name: str, reason: Any) -> ValidationError:
    return ValidationError(
        "file.refused",
        _("The file %(name)s was refused: %(reason)s"),
        field="files",
        params={"name": name, "reason": reason},
    )


def storage_failed() -> StorageUnavailable:
    return StorageUnavailable(
        "file.storage_failed",
        _("The file could not be stored. Nothing was saved; please try again."),
        field="files",
    )


def letter_not_found() -> NotFound:
    return NotFound("letter.not_found", _("Letter not found."))


def duplicate_letter(other_id: int, agenda: str) -> Conflict:
    return Conflict(
        "letter.duplicate",
        _(
            "A letter from the same sender with the same number and date is already "
            "registered (agenda %(agenda)s). Confirm to register it again."
        ),
        params={"agenda": agenda},
        details=[{"letter_id": other_id, "agenda": agenda}],
    )
