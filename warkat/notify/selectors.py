"""Reads of notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from warkat.notify.models import Notification


def notifications_for(
    *, person_id: int | None, limit: int = 30
) -> QuerySet[Notification]:
    return Notification.objects.filter(person_id=person_id or 0).order_by(
        "-created_at", "-pk"
    )[:limit]


def unread_count(*, person_id: int | None) -> int:
    return Notification.objects.filter(
        person_id=person_id or 0, read_at__isnull=True
    ).count()
