"""Command-centre pages: the leader's overview of their subtree, a unit, a position
and the letters behind its figure, and the wall display."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from warkat.core.errors import DomainError
from warkat.core.http import download_response, tenant_view
from warkat.dashboard import errors, kinerja, services
from warkat.dashboard.cache import ids_key
from warkat.dashboard.charts import Bar, Tile, bar_chart, line_chart, tile_map
from warkat.dashboard.datarequests import late_targets
from warkat.dashboard.drill import position_letters, unit_positions
from warkat.dashboard.exports import kinerja_xlsx
from warkat.dashboard.models import Rating
from warkat.dashboard.monev import (
    TenantAdoption,
    adoption_for_host,
    adoption_own,
    may_see_adoption,
)
from warkat.dashboard.ranking import Overview, overview
from warkat.dashboard.scope import Scope, leader_scope, require_scope, unit_in_scope
from warkat.dashboard.selectors import Figures, daily_series
from warkat.org.selectors import positions_by_id
from warkat.tenancy.clock import tenant_localdate

#: Days of the trend chart.
TREND_DAYS = 28
#: Late data deliveries listed on a page at most.
MAX_LATE = 50


def _series_want(
    scope: Scope, node: Any, today: dt.date
) -> tuple[str, Callable[[], list[tuple[dt.date, Figures]]]]:
    """The cache key and the computation of the trend chart's days."""
    ids = scope.ids_below(node)
    first = today - dt.timedelta(days=TREND_DAYS - 1)
    return (
        f"series:{first}:{today}:{ids_key(ids)}",
        lambda: daily_series(unit_ids=ids, first=first, last=today),
    )


def _charts(data: Overview, series: list[tuple[dt.date, Figures]]) -> dict[str, Any]:
    days = [day for day, _f in series]
    return {
        "overdue_chart": bar_chart(
            [
                Bar(r.unit.name, r.this_week.overdue, r.last_week.overdue)
                for r in data.by_overdue[:12]
            ],
            title=_("Overdue dispositions: this week (grey: last week)"),
        ),
        "follow_chart": bar_chart(
            [
                Bar(
                    r.unit.name,
                    r.this_week.follow_median_hours or 0,
                    r.last_week.follow_median_hours,
                )
                for r in data.by_follow_up[:12]
            ],
            title=_("Median hours to follow up: this week (grey: last week)"),
        ),
        "trend_chart": line_chart(
            days,
            [
                (_("Received"), [f.counts["disp_received"] for _d, f in series]),
                (_("Followed up"), [f.counts["disp_followed_up"] for _d, f in series]),
                (_("Overdue"), [f.counts["disp_overdue_open"] for _d, f in series]),
            ],
            title=_("Dispositions per day, last four weeks"),
        ),
    }


def _page(request: HttpRequest, unit_id: int | None, template: str) -> HttpResponse:
    user = request.user
    scope = require_scope(user=user)
    node = unit_in_scope(scope=scope, unit_id=unit_id) if unit_id is not None else None
    if node is None and len(scope.roots) == 1:
        node = scope.roots[0]
    today = tenant_localdate(request.tenant)  # type: ignore[attr-defined]
    series_key, series = _series_want(scope, node, today)
    data, also = overview(
        scope=scope, node=node, today=today, also={series_key: series}
    )
    context: dict[str, Any] = {
        "data": data,
        "today": today,
        "ancestors": _ancestors(scope, node),
        "positions": unit_positions(unit=node, today=today) if node else [],
        "late_data": _late_data(scope, node, today),
        **_charts(data, also[series_key]),
    }
    return render(request, template, context)


def _late_data(scope: Scope, node: Any, today: dt.date) -> list[Any]:
    """Data requests owed past their deadline by positions in the node's subtree."""
    ids = set(scope.units) if node is None else set(scope.subtree_ids(node))
    late = late_targets(today=today)
    names = positions_by_id(ids={t.position_id for t in late})
    mine = [t for t in late if t.position_id in names]
    return [
        (t, names[t.position_id]) for t in mine if names[t.position_id].unit_id in ids
    ][:MAX_LATE]


def _ancestors(scope: Scope, node: Any) -> list[Any]:
    """The covered units above ``node`` (the breadcrumb of the drill-down)."""
    if node is None:
        return []
    ids = [int(p) for p in node.path.split("/") if p][:-1]
    return [scope.units[pk] for pk in ids if pk in scope.units]


@tenant_view
@require_GET
def overview_page(request: HttpRequest) -> HttpResponse:
    return _page(request, None, "dashboard/overview.html")


@tenant_view
@require_GET
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _page(request, unit_id, "dashboard/overview.html")


@tenant_view
@require_GET
def wall_page(request: HttpRequest) -> HttpResponse:
    """Full screen for a big display; the page reloads itself (no script)."""
    return _page(request, None, "dashboard/wall.html")


@tenant_view
@require_GET
def position_page(request: HttpRequest, position_id: int) -> HttpResponse:
    user = request.user
    scope = require_scope(user=user)
    today = tenant_localdate(request.tenant)  # type: ignore[attr-defined]
    data = position_letters(
        user=user, scope=scope, position_id=position_id, today=today
    )
    unit = scope.units[data.position.unit_id]
    return render(
        request,
        "dashboard/position.html",
        {"data": data, "unit": unit, "ancestors": [*_ancestors(scope, unit), unit]},
    )


def _adoption_chart(entry: TenantAdoption) -> Any:
    """Active accounts per OPD and distrik (kampung are in the table)."""
    rows = [u for u in entry.units if u.unit_kind not in {"kelurahan", "desa"}]
    return bar_chart(
        [Bar(u.unit_name, u.accounts_active_30d, u.accounts) for u in rows[:20]],
        title=_("Accounts active in the last 30 days (grey: all accounts)"),
    )


def _distrik_map(entry: TenantAdoption) -> Any:
    """The distrik as tiles coloured by their share of accounts active in the last
    30 days (none when the tenant has no distrik)."""
    tiles = [
        Tile(
            u.unit_name,
            u.accounts_active_30d / u.accounts if u.accounts else None,
            f"{round(100 * u.accounts_active_30d / u.accounts)}%"
            if u.accounts
            else "-",
        )
        for u in entry.units
        if u.unit_kind == "kecamatan"
    ]
    if not tiles:
        return None
    return tile_map(tiles, title=_("Distrik: share of accounts active in 30 days"))


@tenant_view
@require_GET
def adoption_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_see_adoption(user=user):
        raise errors.no_adoption_access()
    tenant = request.tenant  # type: ignore[attr-defined]
    own = adoption_own(tenant=tenant)
    hosted = adoption_for_host(host=tenant, actor=user)
    entries = [own, *hosted]
    return render(
        request,
        "dashboard/adoption.html",
        {
            "entries": [(e, _adoption_chart(e), _distrik_map(e)) for e in entries],
            "hosted": hosted,
        },
    )


def _export_units(scope: Scope) -> list[Any]:
    """The units a leader may export: their top units and the ones right below."""
    units = list(scope.roots)
    for root in scope.roots:
        units.extend(scope.children(root))
    return units


@tenant_view
@require_http_methods(["GET", "POST"])
def kinerja_page(request: HttpRequest) -> HttpResponse:
    """The month's evidence of the user and of their direct subordinates; a superior
    rates each subordinate (POST: person, rating, note)."""
    user = request.user
    today = tenant_localdate(request.tenant)  # type: ignore[attr-defined]
    month = kinerja.parse_month(
        request.POST.get("month") or request.GET.get("month"), today=today
    )
    error = None
    if request.method == "POST":
        try:
            person_id = int(request.POST.get("person", ""))
        except ValueError:
            person_id = 0
        try:
            services.assessment_set(
                actor=user,
                person_id=person_id,
                month=month,
                rating=request.POST.get("rating", ""),
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            error = exc.text()
        else:
            messages.success(request, _("Assessment saved."))
            return redirect(f"{request.path}?month={month:%Y-%m}")
    return render(
        request,
        "dashboard/kinerja.html",
        {
            "month": month,
            "own": kinerja.own(user=user, month=month),
            "rows": kinerja.subordinates(user=user, month=month),
            "ratings": Rating.choices,
            "error": error,
            "export_units": _export_units(leader_scope(user=user)),
        },
        status=422 if error else 200,
    )


@tenant_view
@require_GET
def kinerja_export(request: HttpRequest, unit_id: int) -> HttpResponse:
    """XLSX of everyone who held a position in a unit (and below) in the month."""
    user = request.user
    scope = require_scope(user=user)
    unit = unit_in_scope(scope=scope, unit_id=unit_id)
    today = tenant_localdate(request.tenant)  # type: ignore[attr-defined]
    month = kinerja.parse_month(request.GET.get("month"), today=today)
    rows = kinerja.unit_people(unit_ids=scope.subtree_ids(unit), month=month)
    data = kinerja_xlsx(rows=rows, unit_name=unit.name, month=month)
    return download_response(
        data,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"kinerja-{unit.code}-{month:%Y-%m}.xlsx",
    )
