"""Notifications: in-app list and count, web push payloads, subscriptions."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from warkat.dispositions.services.create import disposition_create
from warkat.letters.tests.factories import register
from warkat.notify.models import Notification, PushSubscription

pytestmark = pytest.mark.django_db


class _Gone(Exception):
    pass


def test_push_never_carries_a_secret_subject_and_drops_gone_endpoints(
    o: SimpleNamespace, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    import pywebpush

    settings.WARKAT_VAPID_PRIVATE_KEY = "test-key"
    sent: list[dict[str, Any]] = []

    def fake_webpush(*, subscription_info, data, **kwargs):
        sent.append({"endpoint": subscription_info["endpoint"], "data": data})
        if "gone" in subscription_info["endpoint"]:
            response = SimpleNamespace(status_code=410)
            raise pywebpush.WebPushException("gone", response=response)

    monkeypatch.setattr(pywebpush, "webpush", fake_webpush)
    for endpoint in ("https://push.invalid/ok", "https://push.invalid/gone"):
        PushSubscription.objects.create(
            tenant=o.tenant, user=o.users.kadis, endpoint=endpoint, p256dh="k", auth="a"
        )
    with django_capture_on_commit_callbacks(execute=True):
        register(o, subject="Laporan intelijen RAHASIA", security="rahasia")
    assert len(sent) == 2
    assert all("intelijen" not in s["data"] and "Rahasia" in s["data"] for s in sent)
    assert PushSubscription.objects.get(endpoint__endswith="gone").failed_at is not None
    # The addressee is in the chain: the in-app notification may name the subject.
    assert "intelijen" in Notification.objects.get(person=o.people.kadis).title


def test_notification_list_count_and_mark_read(
    o: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(o)
    with django_capture_on_commit_callbacks(execute=True):
        disposition_create(
            actor=o.users.kadis,
            letter=letter,
            to_position_ids=[o.pos.kabid_a.pk],
            instructions=["Pelajari"],
        )
    c = Client()
    c.force_login(o.users.kabid_a)
    assert c.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    note = c.get("/api/v1/notifications").json()[0]
    assert note["url"] == f"/surat/{letter.pk}/"
    assert c.get("/notifikasi/").status_code == 200
    opened = c.post(f"/notifikasi/{note['id']}/buka/")
    assert opened.status_code == 302 and opened["Location"] == note["url"]
    assert c.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
    # Someone else's notification cannot be marked read by another person.
    with django_capture_on_commit_callbacks(execute=True):
        disposition_create(
            actor=o.users.kadis,
            letter=letter,
            to_position_ids=[o.pos.kabid_b.pk],
            instructions=["Pelajari"],
        )
    theirs = Notification.objects.get(person=o.people.kabid_b)
    c.post(f"/api/v1/notifications/{theirs.pk}/read")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    bad = c.post(
        "/api/v1/push/subscriptions",
        {"endpoint": "http://insecure.invalid/x", "p256dh": "k", "auth": "a"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    good = c.post(
        "/api/v1/push/subscriptions",
        {"endpoint": "https://push.invalid/abc", "p256dh": "k", "auth": "a"},
        content_type="application/json",
    )
    assert good.status_code == 201
    assert c.get("/sw.js")["Service-Worker-Allowed"] == "/"
