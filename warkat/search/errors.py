"""Errors of the search: a query that cannot be searched, said plainly."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import ValidationError

_MESSAGES = {
    "empty": _("Type a word, a phrase or a letter number to search."),
    "too_long": _("The search is too long: use at most 32 words and 500 characters."),
    "no_words": _("Nothing to search for: the query holds only common words or signs."),
    "bad_filter": _("A search filter has a value that is not allowed."),
}


def query_refused(code: str) -> ValidationError:
    return ValidationError(f"search.{code}", _MESSAGES[code], field="q")
