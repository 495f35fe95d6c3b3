"""Form widgets shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms

#: The only format ``<input type="date">`` accepts, whatever the page's language.
ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker. Django would render the value in the active
    language's format (``04-11-2026`` in Indonesian), which the browser rejects: the
    field shows empty and the date is lost on the next save. The picker itself
    shows the date the local way; what travels is ISO."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)
