"""Reads of classification codes: the picker search."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from warkat.archive.models import ClassificationCode, TenantClassificationCode


def classification_search(
    *, query: str, limit: int = 20
) -> QuerySet[ClassificationCode]:
    """Leaf codes (those with retention) matching ``query`` by code prefix or name.

    Codes the current tenant hid are left out; must run inside a tenant scope.
    """
    hidden = TenantClassificationCode.objects.filter(is_hidden=True).values("code_id")
    qs = ClassificationCode.objects.filter(
        is_active=True, retention_active_years__isnull=False
    ).exclude(pk__in=hidden)
    query = query.strip()
    if query:
        qs = qs.filter(Q(code__startswith=query) | Q(name__icontains=query))
    return qs.order_by("code")[:limit]


def classification_usable(*, code: ClassificationCode) -> bool:
    return code.is_active and code.has_retention
