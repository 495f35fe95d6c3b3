"""Shared fixtures: tenants, the active tenant scope, Debian's Chromium, the
migrated database around transactional tests and the demo (``tests/``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from warkat.tenancy.models import Tenant

#: The migrated database put back around transactional tests, and the shared demo.
pytest_plugins = ["tests.database", "tests.demo_fixture"]

# Property tests judge correctness, never speed: a busy machine (parallel test
# processes, CI neighbours) must not fail them on a timing health check.
settings.register_profile(
    "warkat", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("warkat")


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
) -> dict[str, Any]:
    # Never download a browser: drive Debian's chromium.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def tenant(db: Any) -> Tenant:
    """Kabupaten Keerom (Papua, WIT) with its distrik and kampung."""
    from warkat.tenancy.services import tenant_create

    return tenant_create(region_code="91.11", actor=None)


@pytest.fixture
def other_tenant(db: Any) -> Tenant:
    """Kabupaten Gorontalo: a second, unrelated tenant for isolation tests."""
    from warkat.tenancy.services import tenant_create

    return tenant_create(region_code="75.01", actor=None, build_regions=False)


@pytest.fixture
def in_tenant(tenant: Tenant) -> Iterator[Tenant]:
    """Run the test body inside Keerom's tenant scope."""
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        yield tenant
