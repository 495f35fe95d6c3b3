"""The periodic refresh over every tenant, each in its own scope and time zone."""

from __future__ import annotations

from warkat.dashboard.adoption import adoption_refresh
from warkat.dashboard.datareq_deadlines import datarequest_deadlines_process
from warkat.dashboard.dirtydays import days_claim, periods
from warkat.dashboard.rebuild import figures_rebuild, figures_refresh
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


def refresh_all(*, tenant_id: int | None = None) -> dict[str, int]:
    totals = {"tenants": 0, "unit_rows": 0, "person_rows": 0}
    tenants = Tenant.objects.filter(is_active=True)
    if tenant_id is not None:
        tenants = tenants.filter(pk=tenant_id)
    for tenant in tenants.order_by("pk"):
        with tenant_scope(tenant):
            result = figures_refresh(tenant=tenant)
            # After the figures: the adoption snapshot sums their last 30 days.
            adoption_refresh(tenant=tenant)
        totals["tenants"] += 1
        totals["unit_rows"] += result.unit_rows
        totals["person_rows"] += result.person_rows
    return totals


def data_deadlines_all() -> dict[str, int]:
    """Data request reminders and escalations of every active tenant."""
    totals = {"tenants": 0, "reminded": 0, "escalated": 0}
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_scope(tenant):
            run = datarequest_deadlines_process(tenant=tenant)
        totals["tenants"] += 1
        totals["reminded"] += run.reminded
        totals["escalated"] += run.escalated
    return totals


def marked_days_refresh(*, tenant_id: int) -> dict[str, int]:
    """The days events marked in one tenant, recomputed (nothing when the tenant is
    gone or inactive, or another run took the marks first)."""
    totals = {"days": 0, "unit_rows": 0, "person_rows": 0}
    tenant = Tenant.objects.filter(pk=tenant_id, is_active=True).first()
    if tenant is None:
        return totals
    with tenant_scope(tenant):
        for first, last in periods(days_claim(tenant=tenant)):
            result = figures_rebuild(tenant=tenant, first=first, last=last)
            totals["days"] += result.days
            totals["unit_rows"] += result.unit_rows
            totals["person_rows"] += result.person_rows
    return totals
