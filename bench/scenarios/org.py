"""Organisation scenarios: the tree and people pages and their API equivalents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.scenario import Dataset, Scenario


def _get(path: str, *, user: str = "admin") -> Callable[[Dataset], Callable[[], Any]]:
    def prepare(ds: Dataset) -> Callable[[], Any]:
        client = ds.clients[user]
        return lambda: client.get(path)

    return prepare


def _expand_largest(ds: Dataset) -> Callable[[], Any]:
    """Expand the tree node with the most sub-units (htmx children partial)."""
    from django.db.models import Count

    from warkat.org.models import Unit
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(ds.tenant):
        unit = (
            Unit.objects.annotate(n=Count("children"))
            .order_by("-n", "pk")
            .values_list("pk", flat=True)
            .first()
        )
    client = ds.clients["admin"]
    return lambda: client.get(f"/organisasi/unit/{unit}/anak/", HTTP_HX_REQUEST="true")


def _search(ds: Dataset) -> Callable[[], Any]:
    client = ds.clients["admin"]
    return lambda: client.get("/api/v1/people?q=yikwa&limit=50")


SCENARIOS = [
    Scenario("organisation tree page", "org", _get("/organisasi/")),
    Scenario("organisation tree, expand largest unit", "org", _expand_largest),
    Scenario("organisation tree search 'bidang'", "org", _get("/organisasi/?q=bidang")),
    Scenario("people list page", "org", _get("/organisasi/pegawai/")),
    Scenario("people search 'yikwa'", "org", _get("/organisasi/pegawai/?q=yikwa")),
    Scenario("API units, first 200", "org", _get("/api/v1/units?limit=200")),
    Scenario("API people, first page (50)", "org", _get("/api/v1/people?limit=50")),
    Scenario("API people search 'yikwa'", "org", _search),
]
