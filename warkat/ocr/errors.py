"""Errors of the text of files."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import Conflict, PermissionDenied


def retry_forbidden() -> PermissionDenied:
    return PermissionDenied(
        "ocr.retry_forbidden",
        _(
            "Only the unit's records clerk (TU) or an administrator may start the "
            "text recognition again."
        ),
    )


def retry_not_failed() -> Conflict:
    return Conflict(
        "ocr.retry_not_failed",
        _("The text of this file is not in a failed state: nothing to start again."),
    )
