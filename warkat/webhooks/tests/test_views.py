"""The administrator's pages: role checks, the secret shown once, rotation with a
grace period where both secrets sign, the delivery log and replay, isolation."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from warkat.audit.models import AuditEvent
from warkat.letters.tests.factories import client_for, register
from warkat.webhooks.models import Attempt, Delivery, DeliveryState, Endpoint
from warkat.webhooks.receiver import Receiver
from warkat.webhooks.sender import endpoint_drain
from warkat.webhooks.services import webhook_settings_set

pytestmark = pytest.mark.django_db


def test_only_the_tenant_admin_reaches_the_pages(
    o: SimpleNamespace, hook: SimpleNamespace
) -> None:
    staff = client_for(o.users.staf_a)
    for url in (
        reverse("webhooks:list"),
        reverse("webhooks:create"),
        reverse("webhooks:detail", args=[hook.endpoint.pk]),
    ):
        assert staff.get(url).status_code == 403
    answer = staff.post(reverse("webhooks:active", args=[hook.endpoint.pk]))
    assert answer.status_code == 403
    assert Endpoint.objects.get().is_active
    admin = client_for(o.users.admin)
    page = admin.get(reverse("webhooks:list"))
    assert page.status_code == 200
    assert "SKPD app" in page.content.decode()


def test_create_shows_the_secret_once(o: SimpleNamespace, receiver: Receiver) -> None:
    webhook_settings_set(actor=o.users.admin, internal_hosts=["127.0.0.1"])
    admin = client_for(o.users.admin)
    answer = admin.post(
        reverse("webhooks:create"),
        {
            "name": "Aplikasi kepegawaian",
            "url": receiver.url,
            "event_types": ["letter.registered"],
            "scopes": ["letters:read"],
        },
    )
    assert answer.status_code == 200
    assert "whsec_" in answer.content.decode()
    endpoint = Endpoint.objects.get()
    assert "whsec_" not in endpoint.secret_sealed
    detail = admin.get(reverse("webhooks:detail", args=[endpoint.pk]))
    assert "whsec_" not in detail.content.decode()
    assert AuditEvent.objects.filter(action="webhook.create").exists()


def test_a_refused_url_is_a_422_on_the_form(o: SimpleNamespace) -> None:
    admin = client_for(o.users.admin)
    answer = admin.post(
        reverse("webhooks:create"),
        {
            "name": "Probe",
            "url": "http://169.254.169.254/latest/meta-data/",
            "event_types": ["letter.registered"],
        },
    )
    assert answer.status_code == 422
    assert not Endpoint.objects.exists()


def test_rotation_signs_with_both_secrets_during_the_grace_period(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    frozen: Any,
) -> None:
    admin = client_for(o.users.admin)
    answer = admin.post(
        reverse("webhooks:rotate", args=[hook.endpoint.pk]), {"grace_hours": "24"}
    )
    assert answer.status_code == 200
    new = answer.context["secret"]
    assert new.startswith("whsec_") and new != hook.secret
    for secrets in ([hook.secret], [new]):
        hook.receiver.secrets = secrets
        with django_capture_on_commit_callbacks(execute=True):
            register(o)
        assert hook.receiver.received[-1].verified
    frozen.shift(dt.timedelta(hours=25))
    hook.receiver.secrets = [hook.secret]
    with django_capture_on_commit_callbacks(execute=True):
        register(o)
    assert not hook.receiver.received[-1].verified  # old secret no longer signs


def test_bad_grace_is_refused(o: SimpleNamespace, hook: SimpleNamespace) -> None:
    admin = client_for(o.users.admin)
    answer = admin.post(
        reverse("webhooks:rotate", args=[hook.endpoint.pk]), {"grace_hours": "9999"}
    )
    assert answer.status_code == 422


def test_delivery_log_and_replay(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        register(o)
    delivery = Delivery.objects.get()
    admin = client_for(o.users.admin)
    log = admin.get(reverse("webhooks:detail", args=[hook.endpoint.pk]))
    assert "letter.registered" in log.content.decode()
    page = admin.get(reverse("webhooks:delivery", args=[delivery.pk]))
    assert delivery.message.msg_id in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin.post(reverse("webhooks:replay", args=[delivery.pk]))
    assert answer.status_code == 302
    first, second = hook.receiver.received
    assert first.msg_id == second.msg_id and second.verified
    assert Attempt.objects.filter(delivery=delivery).count() == 2
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED


def test_disable_stops_capture_and_enable_sends_the_backlog(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    admin = client_for(o.users.admin)
    hook.receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        register(o)
    admin.post(reverse("webhooks:active", args=[hook.endpoint.pk]), {"active": "0"})
    assert not Endpoint.objects.get().is_active
    assert endpoint_drain(endpoint_id=hook.endpoint.pk).delivered == 0
    hook.receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("webhooks:active", args=[hook.endpoint.pk]), {"active": "1"})
    assert Delivery.objects.get().state == DeliveryState.DELIVERED


def test_another_tenants_subscriptions_are_not_found(
    o: SimpleNamespace, theirs: SimpleNamespace
) -> None:
    admin = client_for(o.users.admin)
    endpoint, delivery = theirs.endpoint, theirs.delivery
    assert admin.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == 404
    assert (
        admin.get(reverse("webhooks:delivery", args=[delivery.pk])).status_code == 404
    )
    assert admin.post(reverse("webhooks:replay", args=[delivery.pk])).status_code == 404
    assert admin.post(reverse("webhooks:rotate", args=[endpoint.pk])).status_code == 404
    assert "Gorontalo app" not in admin.get(reverse("webhooks:list")).content.decode()
