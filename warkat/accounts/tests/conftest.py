"""Fixtures of the accounts tests: users with roles, built through the services."""

from __future__ import annotations

from typing import Any

import pytest

from warkat.accounts.models import User
from warkat.accounts.services import user_create
from warkat.org.tests import factories as f
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

PASSWORD = "Rahasia-Kuat-2026"


def make_user(tenant: Tenant, username: str, *roles: Any, person: Any = None) -> User:
    with tenant_scope(tenant):
        user, _ = user_create(
            tenant=tenant,
            actor=None,
            username=username,
            person=person,
            password=PASSWORD,
            roles=[r if isinstance(r, tuple) else (r, None) for r in roles],
        )
    return user


@pytest.fixture
def admin(tenant: Tenant) -> User:
    return make_user(tenant, "admin.keerom", "tenant_admin")


@pytest.fixture
def staff(tenant: Tenant) -> User:
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Yohanes Staf")
    return make_user(tenant, "staf.keerom", "staf", person=person)


@pytest.fixture
def other_admin(other_tenant: Tenant) -> User:
    return make_user(other_tenant, "admin.gorontalo", "tenant_admin")


@pytest.fixture
def other_user(other_tenant: Tenant) -> User:
    with tenant_scope(other_tenant):
        person = f.person(other_tenant, full_name="Warga Gorontalo")
    return make_user(other_tenant, "staf.gorontalo", "staf", person=person)
