"""Signed-in browsers for the morning peak (``bench.checkin_peak``): a session of the
project's session store for each peak person, as signing in leaves it (user id,
backend, session hash), and the CSRF secret the page's cookie holds.

Reads the seed (``argv[1]``), writes each peak person's ``session`` and ``csrf``
back into it. Run with the environment of the database the sessions go into (the
template of every run), under the bench's secret key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    from warkat.accounts.models import User
    from warkat.tenancy.scope import all_tenants

    path = Path(sys.argv[1])
    seed = json.loads(path.read_text())
    people = seed["peak"]["people"]
    with all_tenants():
        users = dict(
            User.objects.filter(
                username__in=[p["username"] for p in people]
            ).values_list("username", "id")
        )
        hashes = {u.pk: u.get_session_auth_hash() for u in User.objects.filter(
            pk__in=users.values()).only("password")}  # fmt: skip
    expires = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    rows = []
    chars = "abcdefghijklmnopqrstuvwxyz0123456789"
    for person in people:
        pk = users[person["username"]]
        key = get_random_string(32, chars)
        data = {SESSION_KEY: str(pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: hashes[pk]}  # fmt: skip
        rows.append(Session(session_key=key, session_data=store.encode(data),
                            expire_date=expires))  # fmt: skip
        person["session"], person["csrf"] = key, _get_new_csrf_string()
    Session.objects.bulk_create(rows, batch_size=2000)
    # The version's own store when it has another table (accounts.Session keeps the
    # user id beside the data): the same sessions there, so that a baseline and this
    # checkout, run on copies of one template, find them.
    model = import_string(f"{settings.SESSION_ENGINE}.SessionStore").get_model_class()
    if model is not Session:
        model.objects.bulk_create(
            [model(session_key=r.session_key, session_data=r.session_data,
                   expire_date=r.expire_date, user_id=int(r.get_decoded()[SESSION_KEY]))
             for r in rows], batch_size=2000,
        )  # fmt: skip
    path.write_text(json.dumps(seed))
    print(f"{len(rows)} sessions")


if __name__ == "__main__":
    main()
