"""Fixtures for the organisation tests: signed-in clients by role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from warkat.org.tests import factories as f
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


def _client(tenant: Tenant, *roles: str, **kw: Any) -> Client:
    with tenant_scope(tenant):
        user = f.user(tenant, *roles, **kw)
    client = Client()
    client.force_login(user)
    client.user = user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def admin_client(tenant: Tenant) -> Client:
    return _client(tenant, "tenant_admin")


@pytest.fixture
def staff_client(tenant: Tenant) -> Client:
    return _client(tenant, "staf")


@pytest.fixture
def make_client():
    return _client
