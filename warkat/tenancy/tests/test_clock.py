"""The tenant's clock: a scope runs on the Pemda's time zone, not the server's UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.template import Context, Template
from django.utils import timezone

from warkat.tenancy.clock import tenant_localdate, tenant_localtime, tenant_time
from warkat.tenancy.scope import tenant_scope

#: 07:30 WIT on 4 November 2026 is 22:30 UTC on the 3rd.
EARLY = dt.datetime(2026, 11, 3, 22, 30, tzinfo=dt.UTC)


def test_scope_and_helpers_give_the_tenants_local_day(
    tenant: Any, other_tenant: Any
) -> None:
    assert tenant.get_time_zone_display() == "WIT"
    with time_machine.travel(EARLY, tick=False), timezone.override(dt.UTC):
        assert timezone.localdate() == dt.date(2026, 11, 3)
        assert tenant_localdate(tenant) == dt.date(2026, 11, 4)
        assert tenant_localtime(tenant).strftime("%H:%M") == "07:30"
        # Gorontalo is on WITA (UTC+8): 06:30 the same morning.
        assert tenant_localtime(other_tenant).strftime("%d %H:%M") == "04 06:30"
        with tenant_scope(tenant):
            assert timezone.get_current_timezone_name() == "Asia/Jayapura"
            assert timezone.localdate() == dt.date(2026, 11, 4)
            rendered = Template('{{ now|date:"j F Y H:i" }}').render(
                Context({"now": timezone.now()})
            )
            assert rendered.endswith("4 November 2026 07:30")
            # A scope of another Pemda inside (delivery) switches, then restores.
            with tenant_scope(other_tenant):
                assert timezone.get_current_timezone_name() == "Asia/Makassar"
            assert timezone.get_current_timezone_name() == "Asia/Jayapura"
        assert timezone.localdate() == dt.date(2026, 11, 3)
        with tenant_time(tenant) as zone:
            assert str(zone) == "Asia/Jayapura"
