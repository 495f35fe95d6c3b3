"""What a payload may carry: secret letters by id and agenda line only, details only
with the endpoint's scope, data as it is when sent; another tenant's events never."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.dispositions.services.create import disposition_create
from warkat.letters.models import Letter
from warkat.letters.tests.factories import build_org, register
from warkat.tenancy.scope import tenant_scope
from warkat.webhooks.models import Delivery, Endpoint, Message
from warkat.webhooks.receiver import Receiver
from warkat.webhooks.sender import endpoint_drain
from warkat.webhooks.services import endpoint_update

pytestmark = pytest.mark.django_db

SUBJECT = "Rencana operasi pengamanan perbatasan"


def _raw(receiver: Receiver) -> str:
    return json.dumps([r.body for r in receiver.received], ensure_ascii=False)


def test_a_secret_letter_is_sent_as_its_agenda_line_only(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(o, subject=SUBJECT, security="rahasia")
    with django_capture_on_commit_callbacks(execute=True):
        disposition_create(
            actor=o.users.kadis,
            letter=letter,
            to_position_ids=[o.pos.kabid_a.pk],
            instructions=["Tindak lanjuti"],
            note="Koordinasi dengan Kodim",
        )
    raw = _raw(hook.receiver)
    assert SUBJECT not in raw
    assert "Kodim" not in raw
    assert "Dinas Kominfo Provinsi Papua" not in raw  # the sender
    first = hook.receiver.received[0].body["data"]["letter"]
    assert first == {
        "id": letter.pk,
        "direction": "incoming",
        "agenda": letter.agenda_label,
        "security": "rahasia",
        "number": letter.number,
        "restricted": True,
    }
    disposition = hook.receiver.received[1].body["data"]["disposition"]
    assert set(disposition) == {"id", "parent", "state"}


def test_without_the_scope_only_ids_are_sent(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint_update(
        actor=o.users.admin,
        endpoint_id=hook.endpoint.pk,
        name="SKPD app",
        url=hook.endpoint.url,
        event_types=["letter.registered"],
        scopes=[],
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(o, subject=SUBJECT)
    assert SUBJECT not in _raw(hook.receiver)
    assert hook.receiver.received[0].body["data"]["letter"] == {
        "id": letter.pk,
        "direction": "incoming",
        "agenda": letter.agenda_label,
        "security": "biasa",
    }


def test_the_payload_is_built_from_the_data_when_sent(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    frozen: Any,
) -> None:
    """A letter made secret after the event but before a retry is sent restricted."""
    hook.receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(o, subject=SUBJECT)
    assert SUBJECT in _raw(hook.receiver)
    Letter.objects.filter(pk=letter.pk).update(security="sangat_rahasia")
    hook.receiver.status = 200
    frozen.shift(dt.timedelta(seconds=6))
    endpoint_drain(endpoint_id=hook.endpoint.pk)
    retried = hook.receiver.received[-1].body["data"]["letter"]
    assert retried["restricted"] is True
    assert "subject" not in retried


def test_another_tenants_events_never_reach_the_endpoint(
    o: SimpleNamespace,
    hook: SimpleNamespace,
    other_tenant: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with tenant_scope(other_tenant):
        g = build_org(other_tenant, prefix="g")
        with django_capture_on_commit_callbacks(execute=True):
            register(g, subject="Surat Gorontalo")
        assert not Message.objects.exists()
        assert not Endpoint.objects.exists()
    assert hook.receiver.received == []
    assert not Delivery.objects.exists()


def test_subscription_scopes_are_api_scopes() -> None:
    from warkat.api.scopes import SCOPES
    from warkat.webhooks.models import Scope

    assert set(Scope.values) <= set(SCOPES)
