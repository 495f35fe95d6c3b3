"""Command-centre scenarios (issue 12): the leader's overview, the units API and the
adoption page, read from the kept figures after a full rebuild whose time is
reported. The rebuild writes only the dashboard's own tables, before anything is
measured; the letters measured are never changed."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from bench.scenario import Dataset, Scenario


def figures_prepare(ds: Dataset, *, days: int = 365) -> float:
    """Rebuild a year of figures and the adoption snapshot; returns the seconds."""
    from django.utils import timezone

    from warkat.dashboard.adoption import adoption_refresh
    from warkat.dashboard.rebuild import figures_rebuild
    from warkat.tenancy.clock import tenant_localdate
    from warkat.tenancy.scope import tenant_scope

    started = time.perf_counter()
    with tenant_scope(ds.tenant), timezone.override(ds.tenant.time_zone):
        today = tenant_localdate(ds.tenant)
        figures_rebuild(
            tenant=ds.tenant, first=today - dt.timedelta(days=days - 1), last=today
        )
        adoption_refresh(tenant=ds.tenant)
    return time.perf_counter() - started


def _get(path: str, user: str) -> Callable[[Dataset], Callable[[], Any]]:
    def prepare(ds: Dataset) -> Callable[[], Any]:
        client = ds.clients[user]
        return lambda: client.get(path)

    return prepare


SCENARIOS = [
    Scenario("pimpinan overview (Bupati)", "dashboard", _get("/dasbor/", "bupati")),
    Scenario(
        "API units, last 30 days (Bupati)",
        "dashboard",
        _get("/api/v1/dashboard/units?from=2026-01-01&to=2026-01-30", "bupati"),
    ),
    Scenario("wall display", "dashboard", _get("/dasbor/dinding/", "bupati")),
    Scenario("adoption page (admin)", "dashboard", _get("/dasbor/adopsi/", "admin")),
]
