"""Periodic attendance work as ``django.tasks`` tasks (thin: the work is in
``attendance.discipline``)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from warkat.attendance.discipline import discipline_check
from warkat.attendance.schedule import attendance_settings
from warkat.attendance.selfie import selfies_purge
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="default")
def discipline_run(*, tenant_id: int | None = None) -> int:
    """PP 94/2021 alerts in every active tenant (or one), each in its own scope and
    time zone."""
    made = 0
    tenants = Tenant.objects.filter(is_active=True)
    if tenant_id is not None:
        tenants = tenants.filter(pk=tenant_id)
    for tenant in tenants.order_by("pk"):
        with tenant_scope(tenant), timezone.override(tenant.time_zone):
            made += discipline_check(tenant=tenant)
    return made


@task(queue_name="default")
def selfies_purge_run(*, tenant_id: int | None = None) -> int:
    """Delete check-in selfies past each tenant's retention (the rows stay with
    ``purged_at``)."""
    purged = 0
    tenants = Tenant.objects.filter(is_active=True)
    if tenant_id is not None:
        tenants = tenants.filter(pk=tenant_id)
    now = timezone.now()
    for tenant in tenants.order_by("pk"):
        with tenant_scope(tenant):
            purged += selfies_purge(settings=attendance_settings(tenant), now=now)
    return purged
