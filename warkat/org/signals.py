"""Every save and delete of a unit, position, person or assignment goes into the
organisation's change feed, in the same transaction (``org.services.changes``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.services.changes import org_changes_record


def _saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        org_changes_record(tenant_id=instance.tenant_id, objs=[instance])


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    org_changes_record(tenant_id=instance.tenant_id, objs=[instance], deleted=True)


def connect() -> None:
    for model in (Unit, Position, Person, Assignment):
        post_save.connect(_saved, sender=model, dispatch_uid=f"org_feed_{model}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"org_feed_d_{model}")
