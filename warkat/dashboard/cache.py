"""Figures of a page kept in the cache per tenant and day, until they change.

A key holds the scoped tenant, the version of its kept figures and what was asked
(period, units); every rebuild or refresh of the tenant's daily rows moves the version
on when it commits, so a cached value never outlives the rows it was summed from
(and expires after ``WARKAT_DASHBOARD_CACHE`` seconds anyway; 0 turns the cache off).
What is cached are figures per unit id only: names, the caller's scope and secrecy
are applied on every request, so a cached value is the same for every viewer of the
tenant who may see those units.

What is derived from the organisation alone (a leader's subtree) is cached under the
tenant's organisation version instead (``org_cached``): the change feed's counter,
read from the database, moves on in the same transaction as every change of a unit,
position, person or assignment.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from warkat.org.selectors import org_version
from warkat.tenancy.scope import current_tenant


def _version_key(tenant_id: int) -> str:
    return f"dashboard:version:{tenant_id}"


def figures_changed(*, tenant_id: int) -> None:
    """Move the tenant's figures version on once the current transaction commits."""

    def bump() -> None:
        key = _version_key(tenant_id)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)

    transaction.on_commit(bump)


def ids_key(ids: Iterable[int] | None) -> str:
    if ids is None:
        return "all"
    text = ",".join(str(i) for i in sorted(ids))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _seconds() -> int:
    return int(getattr(settings, "WARKAT_DASHBOARD_CACHE", 300))


def cached[T](key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or its cached value for the scoped tenant and ``key``."""
    return cached_many({key: compute})[key]


def cached_many(computes: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
    """Each ``computes[key]()``, or its cached value for the scoped tenant: one read
    of the version and one of every value (a page asks for several at once: each
    read is a round trip to the cache), then the missing ones computed and kept."""
    seconds = _seconds()
    tenant = current_tenant()
    if not seconds or tenant is None:
        return {key: compute() for key, compute in computes.items()}
    version = cache.get(_version_key(tenant.pk), 0)
    full = {key: f"dashboard:{tenant.pk}:{version}:{key}" for key in computes}
    found = cache.get_many(list(full.values()))
    out: dict[str, Any] = {}
    missing: dict[str, Any] = {}
    for key, compute in computes.items():
        value = found.get(full[key])
        if value is None:
            value = missing[full[key]] = compute()
        out[key] = value
    if missing:
        cache.set_many(missing, seconds)
    return out


def org_cached[T](key: str, compute: Callable[[], T]) -> T:
    """``compute()`` of what depends on the scoped tenant's organisation only, or
    its value cached under the organisation's version (read before computing, so a
    value is never older than the version it is kept under)."""
    seconds = _seconds()
    tenant = current_tenant()
    if not seconds or tenant is None:
        return compute()
    full = f"dashboard:{tenant.pk}:org{org_version(tenant_id=tenant.pk)}:{key}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, seconds)
    return value
