"""HTTP API of the audit log: tenant admins list and filter events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from warkat.accounts.models import Role
from warkat.accounts.permissions import require_role
from warkat.api.base import ERROR_RESPONSES, scope
from warkat.audit.selectors import EventFilter, audit_page

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_name: str
    capacity: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    client_ip: str | None
    hash: str


class EventPageOut(Schema):
    items: list[AuditEventOut]
    next_before: int | None = Field(
        None, description="Pass as `before` to get the next (older) page"
    )


class EventQuery(Schema):
    actor: str = Field("", max_length=150)
    action: str = Field("", max_length=80)
    object_type: str = Field("", max_length=80)
    object_id: str = Field("", max_length=64)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    before: int | None = Field(None, ge=1)
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "/events", response={200: EventPageOut, **ERROR_RESPONSES}, auth=scope("audit:read")
)
def events_list(request: HttpRequest, filters: Query[EventQuery]) -> Any:
    require_role(user=request.user, roles=frozenset({Role.TENANT_ADMIN}))
    flt = EventFilter(
        actor=filters.actor,
        action=filters.action,
        object_type=filters.object_type,
        object_id=filters.object_id,
        date_from=filters.date_from,
        date_to=filters.date_to,
        before=filters.before,
    )
    rows, next_before = audit_page(
        tenant=request.tenant,  # type: ignore[attr-defined]
        flt=flt,
        size=filters.limit,
    )
    return EventPageOut(
        items=[AuditEventOut.from_orm(e) for e in rows], next_before=next_before
    )
