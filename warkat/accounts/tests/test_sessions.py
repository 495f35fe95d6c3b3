"""The project's session store keeps the signed-in user's id beside the signed data,
and the upgrade copies the live sessions of Django's table over."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session as DjangoSession
from django.test import Client
from django.utils import timezone

from warkat.accounts.models import Session, User

pytestmark = pytest.mark.django_db
_0006 = importlib.import_module("warkat.accounts.migrations.0006_session_with_user")


@pytest.fixture
def user(db: Any) -> User:
    return User.objects.create_user(username="sesi", password="sandi-rahasia-12")


def test_sign_in_and_out_keep_the_user_id(user: User) -> None:
    client = Client()
    assert client.login(username="sesi", password="sandi-rahasia-12")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    row = Session.objects.get(pk=key)
    assert row.user_id == user.pk
    assert row.get_decoded()["_auth_user_id"] == str(user.pk)
    client.logout()
    assert not Session.objects.filter(pk=key).exists()
    assert not DjangoSession.objects.exists()  # Django's own table is no longer used


def test_upgrade_copies_live_sessions_only(user: User) -> None:
    store, now = DjangoStore(), timezone.now()
    signed_in = store.encode({"_auth_user_id": str(user.pk), "_auth_user_backend": "b"})
    DjangoSession.objects.bulk_create([
        DjangoSession(session_key="a" * 32, session_data=signed_in,
                      expire_date=now + dt.timedelta(hours=1)),
        DjangoSession(session_key="b" * 32, session_data=store.encode({"x": 1}),
                      expire_date=now + dt.timedelta(hours=1)),
        DjangoSession(session_key="c" * 32, session_data=signed_in,
                      expire_date=now - dt.timedelta(hours=1)),
    ])  # fmt: skip
    _0006.copy_live_sessions(apps, None)
    copied = dict(Session.objects.values_list("session_key", "user_id"))
    assert copied == {"a" * 32: user.pk, "b" * 32: None}
    # the copied session still signs its user in, through the project's store
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    assert client.session.get("_auth_user_id") == str(user.pk)
