"""Errors of the letters domain."""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, DomainError, NotFound, ValidationError


class StorageUnavailable(DomainError):
    """The file store refused the write; nothing was saved."""

    status_code = 503


def _fill(message: Any, params: dict[str, Any]) -> str:
    return str(message) % params


#: A message with translatable parameters, all rendered in the language asked for
#: when the error is shown (``DomainError.text`` fills plain params afterwards).
lazy_message = lazy(_fill, str)


def file_refused(name: str, reason: Any) -> ValidationError:
    return ValidationError(
        "file.refused",
        lazy_message(
            _("The file %(name)s was refused: %(reason)s"),
            {"name": name, "reason": reason},
        ),
        field="files",
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
