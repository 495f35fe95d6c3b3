"""Reads of classification codes: the picker search."""

from __future__ import annotations

from functools import reduce
from operator import and_

from django.db.models import Q, QuerySet

from warkat.archive.models import ClassificationCode, TenantClassificationCode

#: How much of a code's name the picker shows before cutting it short.
OPTION_CHARS = 80


def classification_search(
    *, query: str, limit: int = 20
) -> QuerySet[ClassificationCode]:
    """Leaf codes (those with retention) matching every word of ``query``.

    A word matches the start of the code, or any part of the name or the retention
    note, case-insensitively: people type what the letter is about ("undangan"), not
    the number. Codes the current tenant hid are left out; must run inside a tenant
    scope.
    """
    hidden = TenantClassificationCode.objects.filter(is_hidden=True).values("code_id")
    qs = ClassificationCode.objects.filter(
        is_active=True, retention_active_years__isnull=False
    ).exclude(pk__in=hidden)
    words = query.split()
    if words:
        qs = qs.filter(
            reduce(
                and_,
                (
                    Q(code__startswith=w)
                    | Q(name__icontains=w)
                    | Q(retention_note__icontains=w)
                    for w in words
                ),
            )
        )
    return qs.order_by("code")[:limit]


def classification_option_text(*, code: ClassificationCode, query: str) -> str:
    """The picker's text for ``code``: its name cut short, plus the passage of the
    name or retention note where a typed word was found when the cut hid it (a
    browser hides list options whose text does not contain what was typed)."""
    name = code.name
    shown = f"{code.code} {name}"
    if len(name) > OPTION_CHARS:
        shown = f"{code.code} {name[:OPTION_CHARS].rstrip()}…"
    for word in query.lower().split():
        if word in shown.lower():
            continue
        for source in (name, code.retention_note):
            at = source.lower().find(word)
            if at >= 0:
                start = max(0, at - 30)
                return f"{shown} {source[start : at + len(word) + 30].strip()}…"
    return shown


def classification_usable(*, code: ClassificationCode) -> bool:
    return code.is_active and code.has_retention
