"""Reads of the audit log: the filtered, keyset-paginated event list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from warkat.audit.models import AuditEvent
from warkat.core.days import day_range
from warkat.core.errors import NotFound
from warkat.tenancy.clock import tenant_zone
from warkat.tenancy.models import Tenant

PAGE_SIZE = 50


@dataclass
class EventFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    #: Keyset pagination: only events with a smaller sequence number.
    before: int | None = None


def audit_events(*, tenant: Tenant, flt: EventFilter) -> QuerySet[AuditEvent]:
    """Events of ``tenant``, newest first. Dates are days in the tenant's zone."""
    qs = AuditEvent.objects.filter(tenant=tenant)
    if flt.actor.strip():
        qs = qs.filter(actor_name__icontains=flt.actor.strip())
    if flt.action.strip():
        qs = qs.filter(action__startswith=flt.action.strip())
    if flt.object_type.strip():
        qs = qs.filter(object_type=flt.object_type.strip())
    if flt.object_id.strip():
        qs = qs.filter(object_id=flt.object_id.strip())
    start, end = day_range(flt.date_from, flt.date_to, tenant_zone(tenant))
    if start:
        qs = qs.filter(occurred_at__gte=start)
    if end:
        qs = qs.filter(occurred_at__lt=end)
    if flt.before:
        qs = qs.filter(seq__lt=flt.before)
    return qs.order_by("-seq")


def audit_page(
    *, tenant: Tenant, flt: EventFilter, size: int = PAGE_SIZE
) -> tuple[list[AuditEvent], int | None]:
    """One page of events and the ``before`` value of the next page (None at the end).
    One query whatever the page."""
    rows = list(audit_events(tenant=tenant, flt=flt).defer("data")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].seq if more and rows else None)


def audit_event_get(*, tenant: Tenant, seq: int) -> AuditEvent:
    event = AuditEvent.objects.filter(tenant=tenant, seq=seq).first()
    if event is None:
        raise NotFound("audit.not_found", _("Audit event not found."))
    return event


def active_people_between(
    *, start: dt.datetime, end: dt.datetime, tz: ZoneInfo
) -> QuerySet[AuditEvent, tuple[Any, ...]]:
    """(person id, local day) once per person and day on which they did anything
    recorded (sign-in included) in ``[start, end)``: the "active users" figure."""
    from django.db.models.functions import TruncDate

    return (
        AuditEvent.objects.filter(
            occurred_at__gte=start, occurred_at__lt=end, actor__person__isnull=False
        )
        .annotate(day=TruncDate("occurred_at", tzinfo=tz))
        .order_by()
        .values_list("actor__person_id", "day")
        .distinct()
    )
