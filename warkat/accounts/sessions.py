"""The project's session engine: Django's database store, on ``accounts.Session``,
which keeps the signed-in user's id in a column of its own (for the check-in's
single round trip, ``attendance.fastsession``)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore

from warkat.accounts.models import Session


def user_id_of(data: dict[str, Any]) -> int | None:
    """The signed-in user's id in a session's data, or None."""
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        row = cast(Session, super().create_model_instance(data))
        row.user_id = user_id_of(data)
        return row
