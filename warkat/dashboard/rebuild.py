"""Writing the figures: the periodic refresh of the recent days and the rebuild of any
period, both replacing the rows of the period with freshly computed ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from warkat.dashboard.cache import figures_changed
from warkat.dashboard.figures import figures_compute
from warkat.dashboard.models import PersonDay, UnitDay
from warkat.tenancy.clock import tenant_localdate
from warkat.tenancy.models import Tenant

#: Longest period one rebuild transaction covers; longer ones go a month at a time,
#: so that a year's rebuild never holds one huge transaction and its memory is that
#: of a month (the daily counters of every unit and person, the attendance days).
#: The dispositions still owed from before a chunk are counted in the database
#: (``owed_for_figures``), so a shorter chunk no longer re-reads them row by row.
CHUNK_DAYS = 31
BATCH = 2000


@dataclass
class RebuildResult:
    days: int = 0
    unit_rows: int = 0
    person_rows: int = 0


#: First key of the advisory lock that serialises the rebuilds of one tenant.
_LOCK_NAMESPACE = 0x64617368  # "dash"


def _lock_tenant(tenant: Tenant) -> None:
    """Two rebuilds of a tenant at once (the periodic refresh and an event's run)
    would both delete and re-insert a day: the second waits for the first and then
    computes from what it committed (SQLite runs one writer at a time anyway). Only
    rebuilds take this lock; the events that mark days never wait for it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, tenant.pk]
            )


def _batches[T](items: Iterable[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def _replace(*, tenant: Tenant, first: dt.date, last: dt.date) -> RebuildResult:
    _lock_tenant(tenant)
    figures = figures_compute(tenant=tenant, first=first, last=last)
    now = timezone.now()
    UnitDay.objects.filter(day__gte=first, day__lte=last).delete()
    PersonDay.objects.filter(day__gte=first, day__lte=last).delete()
    # Model rows are made a batch at a time, each batch written and let go: a
    # quarter of a 5,000-person tenant is hundreds of thousands of person-days.
    unit_rows = (
        UnitDay(
            tenant=tenant,
            unit_id=unit_id,
            day=day,
            read_minutes=sorted(f.read_minutes),
            follow_minutes=sorted(f.follow_minutes),
            refreshed_at=now,
            **f.counts,
        )
        for (unit_id, day), f in figures.units.items()
    )
    person_rows = (
        PersonDay(tenant=tenant, person_id=person_id, day=day, refreshed_at=now, **c)
        for (person_id, day), c in figures.people.items()
    )
    result = RebuildResult(days=(last - first).days + 1)
    for batch in _batches(unit_rows):
        UnitDay.objects.bulk_create(batch)
        result.unit_rows += len(batch)
    figures_changed(tenant_id=tenant.pk)
    for people in _batches(person_rows):
        PersonDay.objects.bulk_create(people)
        result.person_rows += len(people)
    return result


def figures_rebuild(*, tenant: Tenant, first: dt.date, last: dt.date) -> RebuildResult:
    """Recompute the scoped tenant's figures of ``first``..``last`` from the source
    rows, one transaction per chunk of days."""
    total = RebuildResult()
    chunk_first = first
    while chunk_first <= last:
        chunk_last = min(last, chunk_first + dt.timedelta(days=CHUNK_DAYS - 1))
        part = _replace(tenant=tenant, first=chunk_first, last=chunk_last)
        total.days += part.days
        total.unit_rows += part.unit_rows
        total.person_rows += part.person_rows
        chunk_first = chunk_last + dt.timedelta(days=1)
    return total


def figures_refresh(*, tenant: Tenant) -> RebuildResult:
    """The periodic, incremental step: today and yesterday (whose last hours and
    deadlines settle after midnight). Older days are final."""
    today = tenant_localdate(tenant)
    return figures_rebuild(
        tenant=tenant, first=today - dt.timedelta(days=1), last=today
    )
