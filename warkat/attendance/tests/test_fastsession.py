"""The phone's own check-in (session cookie and CSRF token) answered in front of
Django: the same status, headers, body and record as the full path for the same
input, and every session or CSRF problem left to Django, which refuses it as it
always did (nothing recorded)."""

from __future__ import annotations

import datetime as dt
import io
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, RequestFactory

from warkat.accounts.models import Session, User
from warkat.attendance import fastpath
from warkat.attendance.models import CheckIn
from warkat.attendance.tests import test_fastwsgi
from warkat.attendance.tests.conftest import OFFICE
from warkat.tenancy.scope import _db_value

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.IS_POSTGRES, reason="the fast path is PostgreSQL's"
    ),
]

DEVICE_AT = "2026-11-03T22:19:58.123Z"
# The production entry point and Django alone; the spies on the full route and on
# the front's attempts (the same fixtures as the token's front).
apps, spies = test_fastwsgi.apps, test_fastwsgi.spies


def signed_in(user: Any) -> dict[str, str]:
    """A browser signed in as ``user``: its cookies and the page's CSRF header."""
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={csrf}",
        "HTTP_X_CSRFTOKEN": csrf,
        "HTTP_ORIGIN": "http://testserver",
    }


def tap(app: Any, browser: dict[str, str], **body: Any) -> Any:
    """The page's POST (``checkin.js``) through a WSGI application as the app server
    sends it; every header of the answer kept (cookies too)."""
    body.setdefault("latitude", OFFICE[0] + 0.0003)
    body.setdefault("longitude", OFFICE[1])
    body.setdefault("accuracy_m", 12)
    body.setdefault("device_at", DEVICE_AT)
    environ = RequestFactory()._base_environ(  # type: ignore[attr-defined]
        PATH_INFO=fastpath.PATH,
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/json",
        **{k: v for k, v in browser.items() if v is not None},
    )
    raw = json.dumps(body).encode()
    environ.update({"wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw))})
    seen: dict[str, Any] = {}
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = apps_call(app, environ, seen)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return SimpleNamespace(
        status=seen["status"], headers=seen["headers"], content=result,
        json=lambda: json.loads(result),
    )  # fmt: skip


def apps_call(app: Any, environ: dict[str, Any], seen: dict[str, Any]) -> bytes:
    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen.update(status=status, headers=headers)

    result = app(environ, start_response)
    content = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return content


def without_ids(res: Any) -> dict[str, Any]:
    body = res.json()
    del body["id"], body["person_id"]
    return dict(body)


@pytest.mark.parametrize("secure", [False, True])
def test_same_answer_headers_and_record_as_django(
    o: Any, apps: Any, spies: Any, secure: bool
) -> None:
    extra = {"HTTP_X_REQUEST_ID": "lb-1"}
    if secure:
        extra |= {
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_ORIGIN": "https://testserver",
            "HTTP_HOST": "testserver",  # as the proxy passes it on
        }
    front = tap(apps.front, signed_in(o.users.staf_a) | extra, client_key="a")
    assert spies.full.call_count == 0 and spies.front.call_count == 1
    django = tap(apps.django, signed_in(o.users.staf_b) | extra, client_key="b")
    assert spies.full.call_count == 1
    assert front.status == django.status == "201 Created", django.content
    assert front.headers == django.headers  # no cookie set by either
    assert without_ids(front) == without_ids(django)
    assert front.json()["device_at"] == "2026-11-03T22:19:58.123Z"
    ours, theirs = (
        CheckIn.objects.filter(person=getattr(o.people, k)).values().get()
        for k in ("staf_a", "staf_b")
    )
    for key in ("id", "person_id", "client_key", "request_id"):
        ours.pop(key), theirs.pop(key)
    assert ours == theirs
    assert ours["device_at"] == dt.datetime(2026, 11, 3, 22, 19, 58, 123000, dt.UTC)
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('warkat.tenant_id', true)")
        assert cur.fetchone()[0] == _db_value() == str(o.tenant.pk)


def test_flagged_in_english_like_django(o: Any, apps: Any, spies: Any) -> None:
    far = {"latitude": OFFICE[0] + 0.01, "accuracy_m": 1}
    en = {"HTTP_ACCEPT_LANGUAGE": "en", "HTTP_X_REQUEST_ID": "r-1"}
    front = tap(apps.front, signed_in(o.users.staf_a) | en, **far)
    django = tap(apps.django, signed_in(o.users.staf_b) | en, **far)
    assert front.headers == django.headers
    assert without_ids(front) == without_ids(django)
    assert front.json()["flags"][0]["reason"].startswith("Outside")
    assert spies.full.call_count == 1


def _spoil(o: Any, browser: dict[str, str], case: str) -> dict[str, str]:
    """The signed-in browser of staf_a, spoiled as ``case`` says."""
    user = o.users.staf_a
    if case == "no_csrf":
        del browser["HTTP_X_CSRFTOKEN"]
    elif case == "bad_csrf":
        browser["HTTP_X_CSRFTOKEN"] = _get_new_csrf_string()
    elif case == "no_csrf_cookie":
        browser["HTTP_COOKIE"] = browser["HTTP_COOKIE"].split(";")[0]
    elif case == "other_origin":
        browser["HTTP_ORIGIN"] = "http://evil.example"
    elif case == "bad_host":
        browser["HTTP_HOST"] = "evil.example"
    elif case == "unknown_session":
        browser["HTTP_COOKIE"] = (
            "sessionid=x" + "a" * 31 + "; csrftoken=" + (browser["HTTP_X_CSRFTOKEN"])
        )
    elif case == "expired":
        Session.objects.update(expire_date=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    elif case == "inactive":
        User.objects.filter(pk=user.pk).update(is_active=False)
    elif case == "password_changed":
        user.set_password("another secret 123")
        User.objects.filter(pk=user.pk).update(password=user.password)
    elif case == "tampered":
        Session.objects.update(session_data="e30:1v:notasignature")
    return browser


CASES = ["no_csrf", "bad_csrf", "no_csrf_cookie", "other_origin", "bad_host",
         "unknown_session", "expired", "inactive", "password_changed", "tampered"]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_refused_sessions_are_django_s_to_answer(
    o: Any, apps: Any, spies: Any, case: str
) -> None:
    answers, password = [], o.users.staf_a.password
    for app in (apps.django, apps.front):
        Session.objects.all().delete()
        browser = _spoil(o, signed_in(o.users.staf_a), case)
        answers.append(tap(app, browser))
        User.objects.filter(pk=o.users.staf_a.pk).update(
            is_active=True, password=password
        )
    django, front = answers
    assert front.status == django.status and front.status[0] == "4", front.content
    assert front.content == django.content
    assert spies.full.call_count == 0  # refused before the route, both times
    assert CheckIn.objects.count() == 0


def test_session_row_naming_another_user_is_left_to_django(
    o: Any, apps: Any, spies: Any
) -> None:
    """The user id column only finds the row: when it names another user than the
    signed data (a row written by hand), the front declines and Django answers for
    the data's user, as it always did."""
    browser = signed_in(o.users.staf_a)
    row = Session.objects.get()
    assert row.user_id == o.users.staf_a.pk  # kept by the store at sign-in
    Session.objects.update(user_id=o.users.staf_b.pk)
    front = tap(apps.front, browser)
    assert front.status == "201 Created", front.content
    assert spies.front.call_count == 1 and spies.full.call_count == 1
    assert list(CheckIn.objects.values_list("person", flat=True)) == [
        o.people.staf_a.pk
    ]


def test_other_tenant_user_is_refused_as_django_does(
    o: Any, apps: Any, spies: Any, other_tenant: Any
) -> None:
    """A signed-in user of another tenant without a person of their own: Django's
    refusal, and nothing recorded anywhere."""
    stranger = User.objects.create_user(
        username="orang-lain", password="x" * 12, tenant=other_tenant
    )
    django = tap(apps.django, signed_in(stranger))
    front = tap(apps.front, signed_in(stranger))
    assert front.status == django.status and front.status[0] == "4"
    assert front.content == django.content
    assert spies.front.call_count == 1
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM attendance_checkin")
        assert cur.fetchone()[0] == 0


@pytest.mark.parametrize("device_at", ["2026-11-04 07:00", "kemarin", 5])
def test_other_device_times_go_to_django(
    o: Any, apps: Any, spies: Any, device_at: Any
) -> None:
    front = tap(apps.front, signed_in(o.users.staf_a), device_at=device_at)
    django = tap(apps.django, signed_in(o.users.staf_b), device_at=device_at)
    assert front.status == django.status, front.content
    assert front.content == django.content or front.status[0] == "2"
    # Both answered by Django: recorded by the full path (naive) or refused (422).
    assert spies.full.call_count == (2 if front.status[0] == "2" else 0)
