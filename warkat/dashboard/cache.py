"""Figures of a page kept in the cache per tenant and day, until they change.

A key holds the scoped tenant, the version of its kept figures and what was asked
(period, units); every rebuild or refresh of the tenant's daily rows moves the version
on when it commits, so a cached value never outlives the rows it was summed from
(and expires after ``WARKAT_DASHBOARD_CACHE`` seconds anyway; 0 turns the cache off).
What is cached are figures per unit id only: names, the caller's scope and secrecy
are applied on every request, so a cached value is the same for every viewer of the
tenant who may see those units.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

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


def cached[T](key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or its cached value for the scoped tenant and ``key``."""
    seconds = getattr(settings, "WARKAT_DASHBOARD_CACHE", 300)
    tenant = current_tenant()
    if not seconds or tenant is None:
        return compute()
    version = cache.get(_version_key(tenant.pk), 0)
    full = f"dashboard:{tenant.pk}:{version}:{key}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, seconds)
    return value
