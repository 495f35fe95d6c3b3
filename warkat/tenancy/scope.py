"""The tenant scope every query runs in.

``tenant_scope(tenant)`` activates django-scopes (the ORM refuses unscoped queries on
tenant-owned models), on PostgreSQL sets ``warkat.tenant_id`` for the row-level
security policies, and makes the tenant's time zone the current one (``clock``), so
that requests, task workers and PDF rendering inside it all see the Pemda's dates.
``all_tenants()`` is the explicit, rare escape hatch for cross-tenant work (delivery
between Pemda, sign-in, management commands).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connection
from django_scopes import scope, scopes_disabled

from warkat.tenancy.clock import tenant_time
from warkat.tenancy.models import Tenant

_current: ContextVar[Tenant | None] = ContextVar("warkat_tenant", default=None)
# What ``warkat.tenant_id`` is set to on the connection: a tenant id, "all" or "".
_db_tenant: ContextVar[str] = ContextVar("warkat_db_tenant", default="")
ALL_TENANTS = "all"


def _set_db_tenant(value: str) -> None:
    _db_tenant.set(value)
    if settings.IS_POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('warkat.tenant_id', %s, false)", [value])


def _db_value() -> str:
    return _db_tenant.get()


def current_tenant() -> Tenant | None:
    return _current.get()


@contextmanager
def tenant_scope(tenant: Tenant) -> Iterator[Tenant]:
    if tenant is None or tenant.pk is None:
        raise ValueError("tenant_scope needs a saved tenant")
    token = _current.set(tenant)
    previous = _db_value()
    value = str(tenant.pk)
    # Nested in a scope of the same tenant (an API route inside the request's
    # scope): the connection already says so, no statement to set or restore.
    if previous != value:
        _set_db_tenant(value)
    try:
        with scope(tenant=tenant.pk), tenant_time(tenant):
            yield tenant
    finally:
        _current.reset(token)
        if previous != value:
            _set_db_tenant(previous)


@contextmanager
def all_tenants() -> Iterator[None]:
    """Cross-tenant access. Every caller says in a comment why it needs it."""
    previous = _db_value()
    _set_db_tenant(ALL_TENANTS)
    try:
        with scopes_disabled():
            yield
    finally:
        _set_db_tenant(previous)
