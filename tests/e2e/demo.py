"""The demo data (Papua hosting Keerom) for browser tests, loaded through the same
loaders as ``manage.py demo_load``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from warkat.tenancy.models import Tenant

DEMO_PASSWORD = settings.WARKAT_DEMO_PASSWORD


@dataclass
class DemoData:
    tenant: Tenant
    units: dict[str, Any]
    positions: dict[str, Any]
    people: dict[str, Any]


def demo_load() -> DemoData:
    from django.core.management import call_command

    call_command("demo_load", verbosity=0, stdout=_Null())
    from warkat.org.demo import demo_org_load
    from warkat.tenancy.scope import tenant_scope

    keerom = Tenant.objects.get(region_code="91.11")
    with tenant_scope(keerom):
        # Idempotent: finds what demo_load made and returns it by key.
        org = demo_org_load(tenant=keerom)
    return DemoData(keerom, org["units"], org["positions"], org["people"])


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
