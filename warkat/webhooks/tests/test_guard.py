"""The SSRF guard: private, loopback, link-local and unique-local addresses are
refused before any connection is made, names are resolved once and the vetted
address is the one connected to, and redirects are not followed."""

from __future__ import annotations

import socket
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.core.errors import ValidationError
from warkat.webhooks import ssrf, transport
from warkat.webhooks.models import Attempt, Delivery, DeliveryState, Endpoint
from warkat.webhooks.sender import endpoint_drain
from warkat.webhooks.services import endpoint_create, webhook_settings_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every connection attempted (none is made: each is recorded and refused)."""
    seen: list[Any] = []

    def refuse(self: Any, address: Any, *a: Any, **k: Any) -> None:
        seen.append(address)
        raise ConnectionRefusedError

    def create(address: Any, *a: Any, **k: Any) -> None:
        seen.append(address)
        raise ConnectionRefusedError

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", create)
    return seen


def _create(o: SimpleNamespace, url: str) -> Any:
    return endpoint_create(
        actor=o.users.admin,
        name="Probe",
        url=url,
        event_types=["letter.registered"],
        scopes=[],
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/hook",
        "http://192.168.1.10/hook",
        "http://172.16.0.1/hook",
        "http://100.64.0.1/hook",
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://2130706433/hook",
    ],
)
def test_private_addresses_are_refused_before_connecting(
    o: SimpleNamespace, connects: list[Any], url: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(o, url)
    assert caught.value.code == "webhooks.address_refused"
    assert caught.value.status_code == 422
    assert connects == []
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/", "http://user:pw@example.org/", "not a url", "http:///x"],
)
def test_malformed_urls_are_refused(o: SimpleNamespace, url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(o, url)
    assert caught.value.code == "webhooks.url_invalid"
    assert not Endpoint.objects.exists()


def test_a_name_resolving_inside_is_refused(
    o: SimpleNamespace, connects: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        ssrf, "resolve", lambda host, port: ["93.184.216.34", "169.254.169.254"]
    )
    with pytest.raises(ValidationError):
        _create(o, "https://hooks.example.org/warkat")
    assert connects == []


def test_the_internal_list_opens_private_hosts_but_never_metadata(
    o: SimpleNamespace, connects: list[Any]
) -> None:
    webhook_settings_set(
        actor=o.users.admin,
        internal_hosts=["127.0.0.1", "10.0.0.0/8", "169.254.0.0/16"],
    )
    _create(o, "http://127.0.0.1:18699/hook")
    _create(o, "http://10.1.2.3/hook")
    with pytest.raises(ValidationError):
        _create(o, "http://169.254.169.254/latest/meta-data/")
    assert Endpoint.objects.count() == 2
    assert connects == []


def test_bad_internal_host_entries_are_refused(o: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as caught:
        webhook_settings_set(actor=o.users.admin, internal_hosts=["bad host!"])
    assert caught.value.code == "webhooks.internal_hosts_invalid"


def test_the_address_is_vetted_again_when_sending(
    o: SimpleNamespace,
    connects: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """DNS rebinding: the name pointed outside when the subscription was saved and
    inside when the delivery is sent; nothing connects to the inside address."""
    from warkat.letters.tests.factories import register

    answers = {"now": ["93.184.216.34"]}
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: answers["now"])
    endpoint, _secret = _create(o, "https://hooks.example.org/warkat")
    answers["now"] = ["169.254.169.254"]
    with django_capture_on_commit_callbacks(execute=True):
        register(o)
    attempt = Attempt.objects.get()
    assert "private, loopback or link-local" in attempt.error
    assert connects == []
    assert Delivery.objects.get().state == DeliveryState.PENDING
    # Back outside: the connection goes to the vetted address, not a new lookup.
    answers["now"] = ["93.184.216.34"]
    Delivery.objects.update(next_attempt_at=Attempt.objects.get().at)
    Endpoint.objects.update(retry_at=None)
    endpoint_drain(endpoint_id=endpoint.pk)
    assert connects == [("93.184.216.34", 443)]


def test_redirects_are_not_followed(
    o: SimpleNamespace, hook: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from warkat.letters.tests.factories import register

    hook.receiver.status = 302
    with django_capture_on_commit_callbacks(execute=True):
        register(o)
    assert len(hook.receiver.received) == 1
    attempt = Attempt.objects.get()
    assert attempt.status == 302
    assert attempt.error == "HTTP 302"
    assert Delivery.objects.get().state == DeliveryState.PENDING


def test_transport_connects_to_the_vetted_ip(connects: list[Any]) -> None:
    target = ssrf.Target(
        scheme="http", host="example.org", port=80, path="/", address="93.184.216.34"
    )
    with pytest.raises(transport.TransportError):
        transport.post(target=target, body=b"{}", headers={}, timeout=1)
    assert connects == [("93.184.216.34", 80)]


def test_connecting_has_its_own_short_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A receiver that is down is given up after the connect timeout, not the
    whole answer's."""
    waited: list[Any] = []

    def create(address: Any, timeout: Any = None, *a: Any, **k: Any) -> None:
        waited.append(timeout)
        raise TimeoutError

    monkeypatch.setattr(socket, "create_connection", create)
    target = ssrf.Target(
        scheme="http", host="example.org", port=80, path="/", address="93.184.216.34"
    )
    pool = transport.Pool(target, timeout=10, connect_timeout=3)
    with pytest.raises(transport.TransportError, match="timeout"):
        pool.post(body=b"{}", headers={})
    assert waited == [3]
