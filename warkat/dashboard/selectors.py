"""Reads of the kept figures: per unit over a period, rolled up a subtree, per day.

Only the dashboard's own tables are read here; a page never touches the letters.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.db.models.expressions import RawSQL

from warkat.dashboard import errors
from warkat.dashboard.models import UNIT_COUNTERS, Dataset, UnitDay
from warkat.dashboard.scope import Scope
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

if TYPE_CHECKING:
    from warkat.org.models import Unit

#: Longest period the pages and the API aggregate in one request.
MAX_PERIOD_DAYS = 366


@dataclass
class Figures:
    """Counters summed over units and days, with the minutes behind the medians."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(UNIT_COUNTERS, 0)
    )
    read_minutes: list[int] = field(default_factory=list)
    follow_minutes: list[int] = field(default_factory=list)
    #: Dispositions overdue at the end of the period's last day.
    overdue: int = 0
    #: The medians (hours to read, to follow up) once ``settled``: the lists are gone.
    medians: tuple[float | None, float | None] | None = None

    def settled(self) -> Figures:
        """The same figures with the medians computed and the minute lists dropped
        (small to cache; can no longer be added to)."""
        return Figures(
            counts=self.counts,
            overdue=self.overdue,
            medians=(self.read_median_hours, self.follow_median_hours),
        )

    def add(self, other: Figures) -> None:
        assert self.medians is None and other.medians is None, "settled figures"
        for key, value in other.counts.items():
            self.counts[key] += value
        self.read_minutes.extend(other.read_minutes)
        self.follow_minutes.extend(other.follow_minutes)
        self.overdue += other.overdue

    @staticmethod
    def _median_hours(minutes: list[int]) -> float | None:
        return round(statistics.median(minutes) / 60, 1) if minutes else None

    @property
    def read_median_hours(self) -> float | None:
        if self.medians is not None:
            return self.medians[0]
        return self._median_hours(self.read_minutes)

    @property
    def follow_median_hours(self) -> float | None:
        if self.medians is not None:
            return self.medians[1]
        return self._median_hours(self.follow_minutes)

    @property
    def on_time_share(self) -> float | None:
        """Share of the dispositions due in the period followed up by the deadline."""
        due = self.counts["disp_due"]
        return round(self.counts["disp_due_on_time"] / due, 3) if due else None

    @property
    def on_time_percent(self) -> int | None:
        share = self.on_time_share
        return round(share * 100) if share is not None else None

    @property
    def tte_percent(self) -> int | None:
        share = self.tte_share
        return round(share * 100) if share is not None else None

    @property
    def tte_share(self) -> float | None:
        signed = self.counts["signed_tte"] + self.counts["numbered_paper"]
        return round(self.counts["signed_tte"] / signed, 3) if signed else None


def parse_period(
    first: str | dt.date | None, last: str | dt.date | None, *, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The period asked for (default: the last seven days up to today)."""
    try:
        end = _date(last) or today
        start = _date(first) or end - dt.timedelta(days=6)
    except ValueError as exc:
        raise errors.bad_period() from exc
    if start > end:
        raise errors.bad_period()
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise errors.period_too_long(MAX_PERIOD_DAYS)
    return start, end


def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


_SUMS = {k: Sum(k) for k in UNIT_COUNTERS}
#: Lists of ids longer than this are sent as one array parameter (PostgreSQL).
ARRAY_FROM = 50


def _rows(
    unit_ids: Iterable[int] | None, first: dt.date, last: dt.date
) -> QuerySet[UnitDay]:
    """The period's rows of ``unit_ids`` (None: every unit of the scoped tenant). A
    long list goes to PostgreSQL as one array parameter: a leader's subtree can hold
    hundreds of units, and a query with hundreds of placeholders costs more to build
    and parse than to run."""
    rows = UnitDay.objects.filter(day__gte=first, day__lte=last).order_by()
    if unit_ids is None:
        return rows
    ids = list(unit_ids)
    if connection.vendor == "postgresql" and len(ids) > ARRAY_FROM:
        return rows.filter(unit_id__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return rows.filter(unit_id__in=ids)


def _counts(row: Any) -> dict[str, int]:
    return {k: row[k] or 0 for k in UNIT_COUNTERS}


def figures_by_unit(
    *, unit_ids: Iterable[int] | None, first: dt.date, last: dt.date
) -> dict[int, Figures]:
    """Each unit's own figures over ``first``..``last``: counters summed in the
    database, the overdue of the last day, and the minutes behind the medians (read
    only from the rows that have any). Three queries."""
    rows = _rows(unit_ids, first, last)
    out: dict[int, Figures] = defaultdict(Figures)
    for row in rows.values("unit_id").annotate(**_SUMS):
        out[row["unit_id"]].counts = _counts(row)
    for unit_id, overdue in rows.filter(day=last).values_list(
        "unit_id", "disp_overdue_open"
    ):
        out[unit_id].overdue = overdue
    timed = rows.filter(Q(disp_read__gt=0) | Q(disp_followed_up__gt=0))
    for unit_id, read, follow in timed.values_list(
        "unit_id", "read_minutes", "follow_minutes"
    ):
        out[unit_id].read_minutes.extend(read)
        out[unit_id].follow_minutes.extend(follow)
    return out


def rolled_into(
    *, scope: Scope, own: dict[int, Figures], targets: Iterable[Unit]
) -> dict[int, Figures]:
    """The figures of ``targets`` (covered units), each including everything below
    it: every unit's own figures are added once to each target above it, not to
    every covered ancestor (the page needs a node and its children only)."""
    totals: dict[int, Figures] = {u.pk: Figures() for u in targets}
    for unit_id, figures in own.items():
        unit = scope.units.get(unit_id)
        if unit is None:
            continue
        for ancestor in unit.path.split("/"):
            if ancestor and int(ancestor) in totals:
                totals[int(ancestor)].add(figures)
    return totals


def rolled_up(*, scope: Scope, own: dict[int, Figures]) -> dict[int, Figures]:
    """Each covered unit's figures including everything below it."""
    totals: dict[int, Figures] = {pk: Figures() for pk in scope.units}
    for unit_id, figures in own.items():
        unit = scope.units.get(unit_id)
        if unit is None:
            continue
        for ancestor in unit.path.split("/"):
            if ancestor and int(ancestor) in totals:
                totals[int(ancestor)].add(figures)
    return totals


def daily_series(
    *, unit_ids: Iterable[int] | None, first: dt.date, last: dt.date
) -> list[tuple[dt.date, Figures]]:
    """The counters of ``unit_ids`` together, day by day (days without rows are 0;
    no medians: one summing query)."""
    by_day = {
        row["day"]: Figures(counts=_counts(row))
        for row in _rows(unit_ids, first, last).values("day").annotate(**_SUMS)
    }
    days = (last - first).days + 1
    return [
        (day, by_day.get(day, Figures()))
        for day in (first + dt.timedelta(days=i) for i in range(days))
    ]


# --- the public data portal -------------------------------------------------------


def published(*, tenant: Tenant) -> list[Dataset]:
    with tenant_scope(tenant):
        return list(
            Dataset.objects.filter(unpublished_at__isnull=True).order_by(
                "-published_at"
            )
        )


def published_one(*, tenant: Tenant, dataset_id: int) -> Dataset:
    with tenant_scope(tenant):
        dataset = Dataset.objects.filter(
            pk=dataset_id, unpublished_at__isnull=True
        ).first()
    if dataset is None:
        raise errors.dataset_not_found()
    return dataset
