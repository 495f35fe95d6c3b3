"""The marks of changed days (``DirtyDay``) as the recomputing task takes them:
see ``warkat.dashboard.events`` for how events set them and why the claim is a
short transaction of its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from warkat.dashboard.models import DirtyDay
from warkat.tenancy.models import Tenant


def marks_all() -> Any:
    # Scopes off, narrowed to the event's tenant by every caller: an event may be
    # recorded for another tenant than the request's (a letter delivered between
    # Pemda); the database policy still admits only the tenant of the active scope.
    return DirtyDay.objects.with_scopes_disabled()


def days_claim(*, tenant: Tenant) -> list[dt.date]:
    """Take the tenant's marked days (a short transaction of its own: it waits for
    the events still holding a mark, see ``warkat.dashboard.events``)."""
    with transaction.atomic():
        marks = marks_all().filter(tenant_id=tenant.pk)
        days = sorted(marks.values_list("day", flat=True))
        marks.filter(day__in=days).delete()
    return days


def periods(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive days as (first, last)."""
    out: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if out and out[-1][1] + dt.timedelta(days=1) == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out
