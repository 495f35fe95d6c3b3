"""Capture and delivery: events from the domain's audit events, signed per Standard
Webhooks (verified by the ``standardwebhooks`` library), retries, 410, timeouts,
automatic disabling, and nothing sent for a rolled-back change."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from warkat.dispositions.services.create import disposition_create
from warkat.letters.tests.factories import register
from warkat.notify.models import Notification
from warkat.org.tests import factories as org
from warkat.webhooks.models import Attempt, Delivery, DeliveryState, Endpoint, Message
from warkat.webhooks.sender import endpoint_drain

pytestmark = pytest.mark.django_db


def _register(o: SimpleNamespace, capture: Any, **kw: Any) -> Any:
    with capture(execute=True):
        return register(o, **kw)


def test_registered_letter_is_delivered_signed(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    letter = _register(o, django_capture_on_commit_callbacks)
    [got] = hook.receiver.received
    assert got.verified
    assert got.body["type"] == "letter.registered"
    data = got.body["data"]["letter"]
    assert data["id"] == letter.pk
    assert data["subject"] == "Undangan rapat koordinasi SPBE"
    assert data["agenda"] == letter.agenda_label
    message = Message.objects.get()
    assert got.msg_id == message.msg_id
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.attempts == 1
    assert Attempt.objects.get().status == 200


def test_each_disposition_is_an_event(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    letter = _register(o, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        created = disposition_create(
            actor=o.users.kadis,
            letter=letter,
            to_position_ids=[o.pos.kabid_a.pk, o.pos.kabid_b.pk],
            instructions=["Tindak lanjuti"],
            note="Segera dikoordinasikan",
        )
    got = [
        r.body
        for r in hook.receiver.received
        if r.body["type"] == "disposition.created"
    ]
    assert sorted(b["data"]["disposition"]["id"] for b in got) == sorted(
        d.pk for d in created
    )
    assert got[0]["data"]["disposition"]["note"] == "Segera dikoordinasikan"


def test_nothing_is_sent_for_a_rolled_back_change(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        register(o)
        raise RuntimeError
    assert hook.receiver.received == []
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()


def test_a_backlog_goes_out_several_at_once_over_kept_connections(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.WARKAT_WEBHOOK_CONCURRENCY = 2
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    Endpoint.objects.update(retry_at=later)  # held back while the backlog builds
    for _ in range(4):
        _register(o, django_capture_on_commit_callbacks)
    assert hook.receiver.received == []
    Endpoint.objects.update(retry_at=None)
    assert endpoint_drain(endpoint_id=hook.endpoint.pk).delivered == 4
    got = hook.receiver.received
    assert len({r.msg_id for r in got if r.verified}) == 4 == len(got)
    # Two sending threads, each keeping its connection: at most two connections.
    assert 1 <= hook.receiver.connections <= 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}


def test_retry_keeps_the_id_and_signs_a_fresh_timestamp(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    frozen: Any,
) -> None:
    hook.receiver.status = 503
    _register(o, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    endpoint = Endpoint.objects.get()
    assert endpoint.failures == 1
    # Not due yet: nothing is sent before the backoff.
    endpoint_drain(endpoint_id=endpoint.pk)
    assert len(hook.receiver.received) == 1
    hook.receiver.status = 200
    frozen.shift(dt.timedelta(seconds=6))
    endpoint_drain(endpoint_id=endpoint.pk)
    first, second = hook.receiver.received
    assert first.msg_id == second.msg_id
    assert int(second.timestamp) == int(first.timestamp) + 6
    assert second.verified
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.attempts == 2
    assert Endpoint.objects.get().failures == 0


def test_retries_span_about_three_days_then_fail(settings: Any) -> None:
    total = sum(settings.WARKAT_WEBHOOK_RETRY_SECONDS)
    assert 2.5 * 86400 <= total <= 3.5 * 86400
    schedule = list(settings.WARKAT_WEBHOOK_RETRY_SECONDS)
    assert sorted(schedule) == schedule


def test_a_down_endpoint_gets_its_backlog_once_it_is_back(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    frozen: Any,
) -> None:
    hook.receiver.status = 500
    for _ in range(3):
        _register(o, django_capture_on_commit_callbacks)
    # Probed with one delivery while failing, not sent the whole backlog.
    assert len(hook.receiver.received) == 1
    hook.receiver.status = 200
    frozen.shift(dt.timedelta(seconds=6))
    endpoint_drain(endpoint_id=hook.endpoint.pk)
    states = set(Delivery.objects.values_list("state", flat=True))
    assert states == {DeliveryState.DELIVERED}
    assert len({r.msg_id for r in hook.receiver.received if r.verified}) == 3


def test_exhausted_retries_fail_the_delivery(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    frozen: Any,
    settings: Any,
) -> None:
    settings.WARKAT_WEBHOOK_RETRY_SECONDS = [1, 2]
    settings.WARKAT_WEBHOOK_DISABLE_AFTER = 3600
    hook.receiver.status = 500
    _register(o, django_capture_on_commit_callbacks)
    for _ in range(2):
        frozen.shift(dt.timedelta(seconds=3))
        endpoint_drain(endpoint_id=hook.endpoint.pk)
    delivery = Delivery.objects.get()
    assert delivery.attempts == 3
    assert delivery.state == DeliveryState.FAILED
    assert Attempt.objects.filter(delivery=delivery).count() == 3


def test_gone_disables_the_endpoint_and_tells_the_admin(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    admin_person = org.person(o.tenant, full_name="Admin Diskominfo")
    org.user(o.tenant, "tenant_admin", person_=admin_person, username="admin2")
    hook.receiver.status = 410
    _register(o, django_capture_on_commit_callbacks)
    endpoint = Endpoint.objects.get()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "gone"
    assert Delivery.objects.get().state == DeliveryState.FAILED
    note = Notification.objects.get(person=admin_person)
    assert note.kind == "webhook.disabled"
    # Later events are not even captured for a disabled endpoint.
    _register(o, django_capture_on_commit_callbacks)
    assert len(hook.receiver.received) == 1


def test_persistent_failure_disables_the_endpoint(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    frozen: Any,
) -> None:
    hook.receiver.status = 502
    _register(o, django_capture_on_commit_callbacks)
    frozen.shift(dt.timedelta(days=3, seconds=1))
    endpoint_drain(endpoint_id=hook.endpoint.pk)
    endpoint = Endpoint.objects.get()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "failing"


def test_a_hanging_receiver_is_cut_off_and_retried(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    frozen: Any,
) -> None:
    settings.WARKAT_WEBHOOK_TIMEOUT = 1
    hook.receiver.hang = 60
    _register(o, django_capture_on_commit_callbacks)
    attempt = Attempt.objects.get()
    assert attempt.status is None
    assert "timeout" in attempt.error
    assert attempt.duration_ms < 5000
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    hook.receiver.hang = 0
    frozen.shift(dt.timedelta(seconds=6))
    endpoint_drain(endpoint_id=hook.endpoint.pk)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
