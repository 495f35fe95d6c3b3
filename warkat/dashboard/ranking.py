"""The leader's overview of a node of their subtree: its units ranked by overdue
dispositions and by time to follow up, this week against last week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from warkat.dashboard.scope import Scope
from warkat.dashboard.selectors import Figures, figures_by_unit, rolled_up

if TYPE_CHECKING:
    from warkat.org.models import Unit


@dataclass
class RankRow:
    unit: Unit
    this_week: Figures
    last_week: Figures

    @property
    def overdue_delta(self) -> int:
        return self.this_week.overdue - self.last_week.overdue

    @property
    def follow_delta(self) -> float | None:
        now, before = (
            self.this_week.follow_median_hours,
            self.last_week.follow_median_hours,
        )
        if now is None or before is None:
            return None
        return round(now - before, 1)


@dataclass
class Overview:
    node: Unit | None
    this_week: tuple[dt.date, dt.date]
    last_week: tuple[dt.date, dt.date]
    total: Figures
    total_last: Figures
    by_overdue: list[RankRow]
    by_follow_up: list[RankRow]


def weeks(today: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """This week (Monday to today) and the whole of last week."""
    monday = today - dt.timedelta(days=today.weekday())
    return (monday, today), (monday - dt.timedelta(days=7), monday - dt.timedelta(1))


def overview(*, scope: Scope, node: Unit | None, today: dt.date) -> Overview:
    """``node``'s covered child units (the scope's roots when None), ranked."""
    this, last = weeks(today)
    ids = list(scope.units) if node is None else scope.subtree_ids(node)
    now = rolled_up(
        scope=scope, own=figures_by_unit(unit_ids=ids, first=this[0], last=this[1])
    )
    before = rolled_up(
        scope=scope, own=figures_by_unit(unit_ids=ids, first=last[0], last=last[1])
    )
    rows = [RankRow(u, now[u.pk], before[u.pk]) for u in scope.children(node)]
    if node is not None:
        total, total_last = now[node.pk], before[node.pk]
    else:
        total, total_last = Figures(), Figures()
        for root in scope.roots:
            total.add(now[root.pk])
            total_last.add(before[root.pk])
    by_overdue = sorted(rows, key=lambda r: (-r.this_week.overdue, r.unit.name))
    by_follow = sorted(
        rows,
        key=lambda r: (
            r.this_week.follow_median_hours is None,
            -(r.this_week.follow_median_hours or 0),
            r.unit.name,
        ),
    )
    return Overview(node, this, last, total, total_last, by_overdue, by_follow)
