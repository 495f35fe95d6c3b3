"""The demo data (Papua hosting Keerom) for browser tests, loaded through the same
loaders as ``manage.py demo_load``."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.utils import timezone

from warkat.tenancy.models import Tenant

DEMO_PASSWORD = settings.WARKAT_DEMO_PASSWORD


@dataclass
class DemoData:
    tenant: Tenant
    units: dict[str, Any]
    positions: dict[str, Any]
    people: dict[str, Any]


def totp_code() -> str:
    """The demo signers' authenticator code, never one about to expire (the server
    checks it a moment later)."""
    from warkat.demo.accounts import demo_totp_code

    # On a busy machine a page submission can take several seconds: take the code
    # of a window with time to spare.
    left = 30 - time.time() % 30
    if left < 12:
        time.sleep(left + 0.1)
    return demo_totp_code()


def demo_load() -> DemoData:
    """Load the demo in a worker thread: Playwright's event loop runs in this one,
    and signing the demo letters (pyHanko) starts an event loop of its own."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["data"] = _demo_load()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    worker = threading.Thread(target=work, name="demo-load")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["data"]


def classification_codes_ensure() -> None:
    """The national classification codes, loaded again when an earlier
    transactional test flushed the rows their data migration loaded."""
    from warkat.archive.loader import load_codes, read_rows
    from warkat.archive.models import ClassificationCode

    if not ClassificationCode.objects.exists():
        load_codes(ClassificationCode, read_rows())


def _demo_load() -> DemoData:
    from django.core.management import call_command

    classification_codes_ensure()
    call_command("demo_load", verbosity=0, stdout=_Null())
    return demo_data()


def demo_data() -> DemoData:
    """The loaded demo's tenant, units, positions and people."""
    from warkat.demo.organisation import demo_org_load
    from warkat.tenancy.scope import tenant_scope

    keerom = Tenant.objects.get(region_code="91.11")
    with tenant_scope(keerom):
        # Idempotent: finds what demo_load made and returns it by key.
        org = demo_org_load(tenant=keerom)
    return DemoData(keerom, org["units"], org["positions"], org["people"])


def demo_stamp() -> tuple[dt.date, ...]:
    """Today in Keerom, in UTC and in the server's zone: a loaded demo is good for
    the day it was loaded (its attendance and deadlines count from that day)."""
    now = timezone.now()
    zones = (ZoneInfo("Asia/Jayapura"), dt.UTC, timezone.get_default_timezone())
    return tuple(timezone.localtime(now, zone).date() for zone in zones)


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
