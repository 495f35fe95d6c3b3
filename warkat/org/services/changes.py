"""The organisation's change log (the feed other apps mirror): every create, edit,
end and deletion of a unit, position, person or assignment is appended inside the
transaction that makes it. ``org.signals`` records single saves and deletes; the
services that write in bulk call ``org_changes_record`` themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from warkat.org.models import FEED_FIELDS, OrgChange, OrgChangeCounter

ENTITIES: dict[str, str] = {
    "Unit": "unit",
    "Position": "position",
    "Person": "person",
    "Assignment": "assignment",
}


def feed_snapshot(entity: str, obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in FEED_FIELDS[entity]:
        value = getattr(obj, field)
        data[field] = value.isoformat() if isinstance(value, dt.date) else value
    return data


@transaction.atomic
def org_changes_record(
    *, tenant_id: int, objs: Iterable[models.Model], deleted: bool = False
) -> int:
    """Append one change per object (its state now, or a tombstone). Locks the
    tenant's counter row until the surrounding transaction commits."""
    items = list(objs)
    if not items:
        return 0
    OrgChangeCounter.objects.bulk_create(
        [OrgChangeCounter(tenant_id=tenant_id)], ignore_conflicts=True
    )
    counter = OrgChangeCounter.objects.select_for_update().get(tenant_id=tenant_id)
    now = timezone.now()
    rows = []
    for obj in items:
        entity = ENTITIES[type(obj).__name__]
        counter.last_seq += 1
        rows.append(
            OrgChange(
                tenant_id=tenant_id,
                seq=counter.last_seq,
                entity=entity,
                object_id=obj.pk,
                op=OrgChange.Op.DELETE if deleted else OrgChange.Op.UPSERT,
                data=None if deleted else feed_snapshot(entity, obj),
                changed_at=now,
            )
        )
    OrgChange.objects.with_scopes_disabled().bulk_create(rows)
    counter.save(update_fields=["last_seq"])
    return len(rows)
