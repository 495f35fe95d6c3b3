"""The Pemda's own clock: dates and times in the tenant's time zone (WIB/WITA/WIT).

The server runs in UTC. Every date shown, stored as a date (a letter's date, the day a
letter was received, a deadline) or printed on a PDF is the tenant's local one: at
07:30 WIT it is already tomorrow in Keerom while UTC still says yesterday.

``tenant_scope`` activates the tenant's zone (``tenant_time``), so requests, task
workers and PDF rendering inside a scope get local dates from ``timezone.localdate()``
and from the ``|date`` filter. Code that works on a tenant other than the scope's
(delivery to another Pemda, the public verification page) names it explicitly with
``tenant_localdate`` / ``tenant_localtime`` / ``tenant_time``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from warkat.tenancy.models import Tenant


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def tenant_zone(tenant: Tenant) -> zoneinfo.ZoneInfo:
    return _zone(tenant.time_zone)


def tenant_localtime(tenant: Tenant, at: dt.datetime | None = None) -> dt.datetime:
    """``at`` (default: now) on the tenant's wall clock."""
    return timezone.localtime(at or timezone.now(), timezone=tenant_zone(tenant))


def tenant_localdate(tenant: Tenant, at: dt.datetime | None = None) -> dt.date:
    """The tenant's calendar day at ``at`` (default: today)."""
    return tenant_localtime(tenant, at).date()


@contextmanager
def tenant_time(tenant: Tenant) -> Iterator[zoneinfo.ZoneInfo]:
    """Make the tenant's zone Django's current one inside the block: templates'
    ``|date``, ``timezone.localdate()`` and ``localtime()`` follow it."""
    zone = tenant_zone(tenant)
    with timezone.override(zone):
        yield zone
