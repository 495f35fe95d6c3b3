"""HTTP API of the command centre: figures per unit of the caller's subtree and the
adoption figures (per hosted tenant for a province)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from warkat.api.base import ERROR_RESPONSES
from warkat.dashboard.models import UNIT_COUNTERS
from warkat.dashboard.rebuild import tenant_today
from warkat.dashboard.scope import require_scope
from warkat.dashboard.selectors import (
    Figures,
    figures_by_unit,
    parse_period,
    rolled_up,
)
from warkat.org.api import in_caller_tenant

router = Router(tags=["dashboard"])


class FiguresOut(Schema):
    letters_in: int
    letters_in_paper: int
    letters_sent: int
    signed_tte: int
    numbered_paper: int
    drafts_created: int
    review_returns: int
    disp_made: int
    disp_received: int
    disp_read: int
    disp_followed_up: int
    disp_due: int
    disp_due_on_time: int
    active_users: int
    overdue_at_end: int
    read_median_hours: float | None
    follow_median_hours: float | None
    on_time_share: float | None
    tte_share: float | None


class UnitFiguresOut(Schema):
    id: int
    parent_id: int | None
    name: str
    kind: str
    depth: int
    own: FiguresOut
    subtree: FiguresOut


class UnitsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    units: list[UnitFiguresOut]


def figures_out(f: Figures) -> FiguresOut:
    counts = {k: v for k, v in f.counts.items() if k != "disp_overdue_open"}
    return FiguresOut(
        **counts,
        overdue_at_end=f.overdue,
        read_median_hours=f.read_median_hours,
        follow_median_hours=f.follow_median_hours,
        on_time_share=f.on_time_share,
        tte_share=f.tte_share,
    )


assert "disp_overdue_open" in UNIT_COUNTERS  # summed per day; shown as overdue_at_end


@router.get(
    "/dashboard/units",
    response={200: UnitsOut, **ERROR_RESPONSES},
    summary="Figures per unit in the caller's subtree",
)
@in_caller_tenant
def units_api(
    request: HttpRequest,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
) -> Any:
    """Each unit the caller leads (with everything below it): its own figures and its
    subtree's over ``from``..``to`` (local dates, default the last seven days)."""
    user = request.auth  # type: ignore[attr-defined]
    scope = require_scope(user=user)
    first, last = parse_period(date_from, date_to, today=tenant_today(user.tenant))
    own = figures_by_unit(unit_ids=list(scope.units), first=first, last=last)
    subtree = rolled_up(scope=scope, own=own)
    units = [
        UnitFiguresOut(
            id=u.pk,
            parent_id=u.parent_id,
            name=u.name,
            kind=u.kind,
            depth=u.depth,
            own=figures_out(own.get(u.pk, Figures())),
            subtree=figures_out(subtree[u.pk]),
        )
        for u in sorted(scope.units.values(), key=lambda u: u.path)
    ]
    return UnitsOut(date_from=first, date_to=last, units=units)
