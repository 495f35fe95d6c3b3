"""The check-in fast path at the WSGI level (the production entry point): the same
status, body and headers as the fast middleware behind Django, the request id and
metrics kept, and everything it declines answered by Django exactly once."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast
from unittest import mock

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory, override_settings

from warkat.accounts.services import api_token_create
from warkat.attendance import fastpath
from warkat.attendance.fastwsgi import CheckInFastApplication
from warkat.attendance.models import CheckIn
from warkat.attendance.tests.conftest import OFFICE
from warkat.core.metrics import HTTP_REQUESTS
from warkat.tenancy.scope import _db_value

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.IS_POSTGRES, reason="the fast path is PostgreSQL's"
    ),
]

URL = fastpath.PATH


class Wsgi(RequestFactory):
    """Sends each request through a WSGI application as the app server would (without
    closing the test's connection at the end of the request, as Django's test
    client does)."""

    def __init__(self, application: Any, **defaults: Any) -> None:
        super().__init__(**defaults)
        self.application = application

    def request(self, **request: Any) -> Any:  # type: ignore[override]
        environ = self._base_environ(**request)  # type: ignore[attr-defined]
        environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read())
        seen: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            seen.update(status=status, headers=headers)

        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = self.application(environ, start_response)
            content = b"".join(result)
            if hasattr(result, "close"):
                result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return SimpleNamespace(
            status_code=int(seen["status"][:3]),
            status=seen["status"],
            headers=[(k, v) for k, v in seen["headers"] if k != "Set-Cookie"],
            content=content,
            json=lambda: json.loads(content),
        )


@pytest.fixture
def apps() -> Iterator[Any]:
    """The production entry point and Django alone (its fast middleware answers),
    both made under the production security settings."""
    with override_settings(SECURE_HSTS_SECONDS=31536000):
        django_alone = WSGIHandler()
        yield SimpleNamespace(
            front=CheckInFastApplication(WSGIHandler()), django=django_alone
        )


@pytest.fixture
def spies() -> Iterator[Any]:
    """Counts the fast path's attempts and the calls reaching the ordinary route."""
    from warkat.attendance import checkin

    with (
        mock.patch(
            "warkat.attendance.api.checkin_record", wraps=checkin.checkin_record
        ) as full,
        mock.patch(
            "warkat.attendance.fastwsgi.checkin_fast", wraps=fastpath.checkin_fast
        ) as front,
        mock.patch(
            "warkat.attendance.fastpath.checkin_fast", wraps=fastpath.checkin_fast
        ) as middleware,
    ):
        yield SimpleNamespace(full=full, front=front, middleware=middleware)


def token(o: Any, key: str) -> str:
    return api_token_create(user=getattr(o.users, key), name="phone")[1]


def post(app: Any, raw: str, headers: dict[str, str] | None = None, **body: Any) -> Any:
    body.setdefault("latitude", OFFICE[0] + 0.0003)
    body.setdefault("longitude", OFFICE[1])
    body.setdefault("accuracy_m", 12)
    return cast(Any, Wsgi(app)).post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        **(headers or {}),
    )


def same_answers(front: Any, django: Any) -> None:
    assert front.status == django.status == "201 Created"
    # The bodies differ in their ids, which may have a different number of digits.
    for answer in (front, django):
        assert ("Content-Length", str(len(answer.content))) in answer.headers
    assert _but_length(front.headers) == _but_length(django.headers)
    a, b = front.json(), django.json()
    assert a.pop("id") != b.pop("id")
    assert a.pop("person_id") != b.pop("person_id")
    assert a == b


def _but_length(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k != "Content-Length"]


@pytest.mark.parametrize("secure", [False, True])
def test_same_answer_and_headers_as_the_middleware(
    o: Any, apps: Any, spies: Any, secure: bool
) -> None:
    headers = {"HTTP_X_REQUEST_ID": "lb-1234"}
    if secure:
        headers["HTTP_X_FORWARDED_PROTO"] = "https"
    front = post(apps.front, token(o, "staf_a"), headers, client_key="k-a")
    django = post(apps.django, token(o, "staf_b"), headers, client_key="k-b")
    same_answers(front, django)
    names = [k for k, _ in front.headers]
    assert ("Strict-Transport-Security" in names) is secure
    assert {"X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} <= set(
        names
    )
    assert dict(front.headers)["X-Request-ID"] == "lb-1234"
    assert dict(front.headers)["Content-Length"] == str(len(front.content))
    # The front answered its own; Django's middleware answered the other.
    assert (spies.front.call_count, spies.middleware.call_count) == (1, 1)
    assert spies.full.call_count == 0
    assert CheckIn.objects.count() == 2
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('warkat.tenant_id', true)")
        assert cur.fetchone()[0] == _db_value() == str(o.tenant.pk)


@pytest.mark.parametrize("language", ["id", "en"])
def test_flag_reasons_in_the_request_language(
    o: Any, apps: Any, spies: Any, language: str
) -> None:
    headers = {"HTTP_ACCEPT_LANGUAGE": language, "HTTP_X_REQUEST_ID": "r-1"}
    far = {"latitude": OFFICE[0] + 0.01, "accuracy_m": 1}
    front = post(apps.front, token(o, "staf_a"), headers, **far)
    django = post(apps.django, token(o, "staf_b"), headers, **far)
    same_answers(front, django)
    reason = front.json()["flags"][0]["reason"]
    assert reason.startswith("Di luar" if language == "id" else "Outside")
    assert spies.full.call_count == 0


def test_request_id_and_metrics(o: Any, apps: Any) -> None:
    child = HTTP_REQUESTS.labels("POST", "api/v1/attendance/check-ins", "201")
    before = child._value.get()
    res = post(apps.front, token(o, "staf_a"), {"HTTP_X_REQUEST_ID": "bad id\n"})
    assert res.status_code == 201
    rid = dict(res.headers)["X-Request-ID"]
    assert rid != "bad id\n" and len(rid) == 32
    assert child._value.get() == before + 1


@pytest.mark.parametrize("case", ["replay", "bad", "big", "revoked", "machine_key"])
def test_declined_taps_are_answered_by_django_once(
    o: Any, apps: Any, spies: Any, case: str
) -> None:
    raw = token(o, "staf_a")
    first = post(apps.front, raw, client_key="k1")
    assert first.status_code == 201
    spies.front.reset_mock()
    if case == "replay":
        res = post(apps.front, raw, client_key="k1")
        assert res.status_code == 200 and res.json()["id"] == first.json()["id"]
    elif case == "bad":
        res = post(apps.front, raw, latitude=123.0)
        assert res.status_code == 422
    elif case == "big":  # too large for the front: Django reads the body it left
        res = post(apps.front, raw, client_key="k" * 5000)  # a double tap there
        assert res.status_code == 200 and res.json()["id"] == first.json()["id"]
    elif case == "revoked":
        from warkat.accounts.models import ApiToken

        ApiToken.objects.update(revoked_at="2026-11-01T00:00:00+09:00")
        res = post(apps.front, raw)
        assert res.status_code == 401
    else:
        res = post(apps.front, "nope", client_key="k9")
        assert res.status_code == 401
    # Tried at most once before Django (the middleware does not try again).
    assert spies.front.call_count == (0 if case == "big" else 1)
    assert spies.middleware.call_count == 0
    assert spies.full.call_count == (1 if case in ("replay", "bad", "big") else 0)
    assert CheckIn.objects.count() == 1


def test_an_error_in_the_front_is_logged_and_django_answers(
    o: Any, apps: Any, spies: Any, caplog: Any
) -> None:
    with mock.patch(
        "warkat.attendance.fastpath._response", side_effect=RuntimeError("boom")
    ):
        res = post(apps.front, token(o, "staf_a"), client_key="k1")
    # The record was inserted before the failure: Django finds it as a replay.
    assert res.status_code == 200 and res.json()["created"] is False
    assert CheckIn.objects.count() == 1
    assert "fast path failed" in caplog.text


@override_settings(SECURE_SSL_REDIRECT=True)
def test_an_insecure_request_is_redirected_by_django(o: Any, spies: Any) -> None:
    front = CheckInFastApplication(WSGIHandler())
    res = post(front, token(o, "staf_a"))
    assert res.status_code == 301
    assert spies.front.call_count == 0 and CheckIn.objects.count() == 0
    secure = post(front, token(o, "staf_a"), {"HTTP_X_FORWARDED_PROTO": "https"})
    assert secure.status_code == 201


def test_other_requests_pass_through(o: Any, apps: Any, spies: Any) -> None:
    res = cast(Any, Wsgi(apps.front)).get("/api/v1/attendance/today")
    assert res.status_code in (401, 403)
    assert spies.front.call_count == 0
