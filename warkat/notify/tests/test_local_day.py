"""The notification worker decides who holds a position on the tenant's day: at
07:30 WIT (22:30 UTC the day before) a Plh. who starts today is notified."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from warkat.letters.tests.factories import build_org, register
from warkat.notify.models import Notification
from warkat.org.tests import factories as org

pytestmark = pytest.mark.django_db

EARLY = dt.datetime(2026, 11, 3, 22, 30, tzinfo=dt.UTC)


@pytest.fixture
def o(in_tenant: Any) -> Iterator[SimpleNamespace]:
    with time_machine.travel(EARLY, tick=False):
        yield build_org(in_tenant)


def test_plh_starting_today_is_notified_by_the_worker_at_0730_wit(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    org.assignment(
        o.tenant,
        o.people.sekdis,
        o.pos.kadis,
        kind="plh",
        start_date=dt.date(2026, 11, 4),
        end_date=dt.date(2026, 11, 6),
    )
    # As in a task worker: the server's zone (UTC) is the current one.
    with (
        timezone.override(dt.UTC),
        django_capture_on_commit_callbacks(execute=True),
    ):
        register(o)
    notified = set(Notification.objects.values_list("person_id", flat=True))
    assert {o.people.kadis.pk, o.people.sekdis.pk} <= notified
