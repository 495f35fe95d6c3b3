"""The leader's overview of a node of their subtree: its units ranked by overdue
dispositions and by time to follow up, this week against last week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from warkat.dashboard.cache import cached_many, ids_key
from warkat.dashboard.scope import Scope
from warkat.dashboard.selectors import Figures, figures_by_unit, rolled_into

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


def period_rolled(
    *,
    scope: Scope,
    node: Unit | None,
    targets: list[Unit] | None,
    period: tuple[dt.date, dt.date],
) -> tuple[str, Callable[[], dict[int, Figures]]]:
    """The cache key and the computation of the settled figures of ``targets`` over
    ``period`` (each with everything below it; with no targets, key 0 holds the sum
    of the whole scope), cached per tenant until its figures change."""
    ids = scope.ids_below(node)

    def compute() -> dict[int, Figures]:
        own = figures_by_unit(unit_ids=ids, first=period[0], last=period[1])
        if targets is None:
            total = Figures()
            for figures in own.values():
                total.add(figures)
            return {0: total.settled()}
        rolled = rolled_into(scope=scope, own=own, targets=targets)
        return {pk: f.settled() for pk, f in rolled.items()}

    wanted = "sum" if targets is None else ids_key(u.pk for u in targets)
    return f"rolled:{period[0]}:{period[1]}:{ids_key(ids)}:{wanted}", compute


def overview(
    *,
    scope: Scope,
    node: Unit | None,
    today: dt.date,
    also: Mapping[str, Callable[[], Any]] | None = None,
) -> tuple[Overview, dict[str, Any]]:
    """``node``'s covered child units (the scope's roots when None), ranked; with
    the values of ``also`` (more figures the page shows), read from the cache in
    the same round trip."""
    this, last = weeks(today)
    children = scope.children(node)
    targets = [*children, *([node] if node is not None else scope.roots)]
    wants = {
        "now": period_rolled(scope=scope, node=node, targets=targets, period=this),
        "before": period_rolled(scope=scope, node=node, targets=targets, period=last),
    }
    several = node is None and len(scope.roots) > 1
    if several:
        # The total of several roots: medians over all of them, not of medians.
        wants["whole"] = period_rolled(
            scope=scope, node=None, targets=None, period=this
        )
        wants["whole_last"] = period_rolled(
            scope=scope, node=None, targets=None, period=last
        )
    extra = dict(also or {})
    values = cached_many({key: compute for key, compute in wants.values()} | extra)
    got = {name: values[key] for name, (key, _c) in wants.items()}
    now, before = got["now"], got["before"]
    rows = [RankRow(u, now[u.pk], before[u.pk]) for u in children]
    if node is not None:
        total, total_last = now[node.pk], before[node.pk]
    elif not several:
        total, total_last = now[scope.roots[0].pk], before[scope.roots[0].pk]
    else:
        total, total_last = got["whole"][0], got["whole_last"][0]
    by_overdue = sorted(rows, key=lambda r: (-r.this_week.overdue, r.unit.name))
    by_follow = sorted(
        rows,
        key=lambda r: (
            r.this_week.follow_median_hours is None,
            -(r.this_week.follow_median_hours or 0),
            r.unit.name,
        ),
    )
    data = Overview(node, this, last, total, total_last, by_overdue, by_follow)
    return data, {key: values[key] for key in extra}
