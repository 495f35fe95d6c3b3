"""Requests of one person submitted at the same moment: only one of overlapping
requests is kept (PostgreSQL: real connections; SQLite runs one writer at a time)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from warkat.attendance.leave import request_submit
from warkat.attendance.models import AttendanceRequest
from warkat.core.errors import Conflict
from warkat.tenancy.scope import tenant_scope

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not settings.IS_POSTGRES,
        reason="needs PostgreSQL: concurrent connections on a shared test database",
    ),
]


def test_simultaneous_overlapping_requests_keep_one(o: Any) -> None:
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def work() -> None:
        try:
            with tenant_scope(o.tenant):
                barrier.wait()
                request_submit(
                    actor=o.users.staf_a, kind="izin",
                    start_date=dt.date(2026, 11, 5), end_date=dt.date(2026, 11, 6),
                    reason="Urusan keluarga",
                )  # fmt: skip
            result = "created"
        except Conflict:
            result = "overlap"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] + ["overlap"] * 5
    with tenant_scope(o.tenant):
        assert AttendanceRequest.objects.count() == 1
