"""Domain errors: one exception type with a code, mapped to HTTP and UI messages once.

Messages are lazy translations (English source, Indonesian catalogue), so the same error
can be shown in the user's language and reported in both in the API.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise


class DomainError(Exception):
    """An anticipated error of a domain function: bad input, wrong state, no permission."""

    #: HTTP status the API answers with.
    status_code = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        field: str | None = None,
        params: dict[str, Any] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.field = field
        self.params = params or {}
        self.details = details or []
        super().__init__(self.text("en"))

    def text(self, language: str | None = None) -> str:
        """The message in ``language`` (the active one when None)."""
        if language is None:
            return self._render()
        with translation.override(language):
            return self._render()

    def _render(self) -> str:
        # Parameters may be lazy translations too: render them in the same language.
        raw = str(self.message)
        if not self.params:
            return raw
        return raw % {key: str(value) for key, value in self.params.items()}

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "message": self.text("id"),
            "message_en": self.text("en"),
        }
        if self.field:
            data["field"] = self.field
        if self.details:
            data["details"] = self.details
        return data


class ValidationError(DomainError):
    status_code = 422


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
