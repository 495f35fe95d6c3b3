"""The webhooks API: the administrator's routes, role checks, 4xx for bad input
(never half-written), another tenant's ids not found."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from warkat.letters.tests.factories import client_for, register
from warkat.webhooks.models import Endpoint

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks"


def test_create_list_and_replay(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    admin = client_for(o.users.admin)
    created = admin.post(
        f"{BASE}/endpoints",
        {
            "name": "Aplikasi arsip",
            "url": hook.receiver.url,
            "event_types": ["letter.signed"],
            "scopes": ["letters:read"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    listed = admin.get(f"{BASE}/endpoints").json()
    assert {e["name"] for e in listed} == {"SKPD app", "Aplikasi arsip"}
    assert all("secret" not in e for e in listed)
    with django_capture_on_commit_callbacks(execute=True):
        register(o)
    deliveries = admin.get(f"{BASE}/endpoints/{hook.endpoint.pk}/deliveries").json()
    [row] = deliveries
    assert row["state"] == "delivered"
    detail = admin.get(f"{BASE}/deliveries/{row['id']}").json()
    assert detail["attempt_log"][0]["status"] == 200
    with django_capture_on_commit_callbacks(execute=True):
        replay = admin.post(f"{BASE}/deliveries/{row['id']}/replay")
    assert replay.status_code == 202
    assert len(hook.receiver.received) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "url": "http://127.0.0.1/", "event_types": ["letter.signed"]},
        {
            "name": "x",
            "url": "http://169.254.169.254/",
            "event_types": ["letter.signed"],
        },
        {"name": "x", "url": "https://example.org/", "event_types": ["nope"]},
        {"name": "", "url": "https://example.org/", "event_types": ["letter.signed"]},
        {
            "name": "x",
            "url": "https://example.org/",
            "event_types": ["letter.signed"],
            "scopes": ["root"],
        },
        {"name": "x"},
    ],
)
def test_bad_input_is_a_4xx_and_writes_nothing(
    o: SimpleNamespace, body: dict[str, Any]
) -> None:
    admin = client_for(o.users.admin)
    answer = admin.post(f"{BASE}/endpoints", body, content_type="application/json")
    assert 400 <= answer.status_code < 500
    assert "code" in answer.json() or "detail" in answer.json()
    assert not Endpoint.objects.exists()


def test_staff_are_refused(o: SimpleNamespace, hook: SimpleNamespace) -> None:
    staff = client_for(o.users.staf_a)
    assert staff.get(f"{BASE}/endpoints").status_code == 403
    assert (
        staff.get(f"{BASE}/endpoints/{hook.endpoint.pk}/deliveries").status_code == 403
    )


def test_another_tenants_ids_are_not_found(
    o: SimpleNamespace, theirs: SimpleNamespace
) -> None:
    admin = client_for(o.users.admin)
    endpoint, delivery = theirs.endpoint, theirs.delivery
    assert admin.get(f"{BASE}/endpoints/{endpoint.pk}/deliveries").status_code == 404
    assert admin.get(f"{BASE}/deliveries/{delivery.pk}").status_code == 404
    assert admin.post(f"{BASE}/deliveries/{delivery.pk}/replay").status_code == 404
    assert "Gorontalo" not in admin.get(f"{BASE}/endpoints").content.decode()
