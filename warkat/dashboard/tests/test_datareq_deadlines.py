"""Data requests' deadline follow-through: a reminder before the deadline to the
addressee, an escalation once it has passed to the addressee's superior (requester
in copy), each once, audited, notified; days counted in the tenant's zone."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.audit.models import AuditEvent
from warkat.dashboard.jobs import data_deadlines_all
from warkat.dashboard.models import DataRequestTarget
from warkat.dashboard.tests.history import at
from warkat.dashboard.tests.test_datarequests import GOOD_CSV, upload
from warkat.dashboard.tests.test_datarequests import (
    request_sent as request_sent,
)
from warkat.notify.models import Notification

pytestmark = pytest.mark.django_db

THU, FRI, SAT = (dt.date(2026, 11, d) for d in (5, 6, 7))


def run(frozen: Any, moment: dt.datetime, capture: Any) -> dict[str, int]:
    frozen.move_to(moment)
    with capture(execute=True):
        return data_deadlines_all()


def notified(kind: str) -> set[int]:
    return set(
        Notification.objects.filter(kind=kind).values_list("person_id", flat=True)
    )


def test_reminder_then_escalation_in_the_tenants_zone(
    o: SimpleNamespace,
    frozen: Any,
    request_sent: DataRequestTarget,
    django_capture_on_commit_callbacks: Any,
) -> None:
    capture = django_capture_on_commit_callbacks
    # Due Friday. Wednesday: two working days ahead, no reminder yet.
    assert run(frozen, at(THU, 0, 30) - dt.timedelta(hours=1), capture)["reminded"] == 0
    # Thursday 00:30 in Keerom is still Wednesday in UTC: Friday is one working day off.
    assert run(frozen, at(THU, 0, 30), capture)["reminded"] == 1
    assert notified("datarequest.reminder") == {o.people.kadinkes.pk}
    assert run(frozen, at(THU, 9), capture)["reminded"] == 0
    event = AuditEvent.objects.get(action="datarequest.remind")
    assert event.data["position"] == o.pos.kadinkes.pk
    # Friday late evening: not overdue yet.
    assert run(frozen, at(FRI, 23, 30), capture)["escalated"] == 0
    # Saturday 00:30 in Keerom (Friday 15:30 UTC): overdue, to the Sekda; the
    # requester in copy; once.
    assert run(frozen, at(SAT, 0, 30), capture)["escalated"] == 1
    assert notified("datarequest.escalated") == {
        o.people.sekda.pk,
        o.people.kadis.pk,
    }
    assert run(frozen, at(SAT, 9), capture)["escalated"] == 0
    event = AuditEvent.objects.get(action="datarequest.escalate")
    assert event.data["to_position"] == o.pos.sekda.pk
    target = DataRequestTarget.objects.get()
    assert target.reminded_at is not None and target.escalated_at is not None


def test_submitted_data_is_neither_reminded_nor_escalated(
    o: SimpleNamespace,
    frozen: Any,
    request_sent: DataRequestTarget,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = upload(o.users.kadinkes, request_sent, "data.csv", GOOD_CSV.encode())
    assert response.status_code == 302
    capture = django_capture_on_commit_callbacks
    assert run(frozen, at(THU, 9), capture) == {
        "tenants": 1,
        "reminded": 0,
        "escalated": 0,
    }
    assert run(frozen, at(SAT, 9), capture)["escalated"] == 0
    assert not AuditEvent.objects.filter(action__startswith="datarequest.e").exists()
    assert not Notification.objects.filter(kind__startswith="datarequest").exists()
