"""The organisation as a change feed, so that other SKPD apps can mirror it.

``GET /api/v1/org/changes?since=<cursor>``: units, positions, people and assignments
(who holds which position, with dates) as they change, deletions as tombstones
(``op: "delete"``, no ``data``). Start from ``since=0`` (everything, in order),
apply the changes in order, keep ``next_cursor``, and ask again; ``has_more`` says
whether to ask at once. Who holds a position today is the assignment whose
``start_date`` ≤ today ≤ ``end_date`` (or no end date): an ended assignment comes
as a change with its ``end_date`` set."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from warkat.api.base import ERROR_RESPONSES, scope
from warkat.core.converters import MAX_ID
from warkat.org import selectors
from warkat.tenancy.scope import tenant_scope

router = Router(tags=["organisation"])

MAX_CHANGES = 500


class ChangesQuery(Schema):
    since: int = Field(0, ge=0, le=MAX_ID, description="Cursor: the last seq applied.")
    limit: int = Field(200, ge=1, le=MAX_CHANGES)


class ChangeOut(Schema):
    seq: int
    entity: str = Field(description="unit, position, person or assignment")
    id: int
    op: str = Field(description="upsert or delete (a tombstone)")
    data: dict[str, Any] | None
    changed_at: dt.datetime


class ChangesOut(Schema):
    changes: list[ChangeOut]
    next_cursor: int
    has_more: bool


@router.get(
    "/org/changes",
    response={200: ChangesOut, **ERROR_RESPONSES},
    operation_id="warkat_org_api_changes",
    summary="Organisation change feed",
    auth=scope("org:read"),
)
def org_changes(request: HttpRequest, query: Query[ChangesQuery]) -> Any:
    # The caller's tenant only (a token's or a session's): never another's feed.
    with tenant_scope(request.auth.tenant):  # type: ignore[attr-defined]
        rows = selectors.org_changes_since(since=query.since, limit=query.limit + 1)
    page = rows[: query.limit]
    return {
        "changes": [
            {
                "seq": c.seq,
                "entity": c.entity,
                "id": c.object_id,
                "op": c.op,
                "data": c.data,
                "changed_at": c.changed_at,
            }
            for c in page
        ],
        "next_cursor": page[-1].seq if page else query.since,
        "has_more": len(rows) > query.limit,
    }
