"""Periodic command-centre work as ``django.tasks`` tasks (run by ``run_periodic``).

Thin wrappers: the work is in ``warkat.dashboard.jobs``.
"""

from __future__ import annotations

from django.tasks import task

from warkat.dashboard.jobs import data_deadlines_all, marked_days_refresh, refresh_all


@task(queue_name="default")
def dashboard_refresh_run(*, tenant_id: int | None = None) -> dict[str, int]:
    """Refresh today's and yesterday's figures and the adoption snapshot of every
    active tenant (or one)."""
    return refresh_all(tenant_id=tenant_id)


@task(queue_name="default")
def datarequest_deadlines_run() -> dict[str, int]:
    """Remind addressees of data requests due soon and escalate overdue ones."""
    return data_deadlines_all()


@task(queue_name="default")
def dashboard_days_run(*, tenant_id: int) -> dict[str, int]:
    """Recompute the days of a tenant that events marked as changed
    (``warkat.dashboard.events``)."""
    return marked_days_refresh(tenant_id=tenant_id)
