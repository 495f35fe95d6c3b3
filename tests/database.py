"""Transactional tests start from, and leave behind, the migrated test database,
put back from a copy taken once per test process (``tests/snapshot.py``).

Django's way for a transactional test with ``serialized_rollback``: before it, every
row the migrations made is saved again through the ORM from a JSON dump (4-8 s on
PostgreSQL under load: the classification codes, content types, permissions), and
after it every table is flushed (``TRUNCATE`` of every table on PostgreSQL, 4-24 s).
Here both become one put-back of the copy (~0.1-0.3 s): the same rows, every table
else empty, the sequences left where they are as the flush leaves them. Tests
without ``serialized_rollback``, and any with ``available_apps``, ``fixtures`` or
``reset_sequences``, keep Django's way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.snapshot import DatabaseCopy

#: This process's copy of each migrated test database (None: Django's way).
COPIES: dict[str, DatabaseCopy | None] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    from django.db import connections
    from django.test import TransactionTestCase

    from tests.snapshot import database_copy

    with django_db_blocker.unblock():
        for alias in connections:
            COPIES[alias] = database_copy(connections[alias], sequences=False)
    copies = COPIES

    original_setup = TransactionTestCase._fixture_setup.__func__  # type: ignore[attr-defined]
    original_teardown = TransactionTestCase._fixture_teardown

    def _put_back(case: Any) -> bool:
        """Put every database of ``case`` back, or say it takes Django's way."""
        names = case._databases_names(include_mirrors=False)
        if not (
            case.serialized_rollback
            and case.available_apps is None
            and not case.fixtures
            and not case.reset_sequences
            and all(copies.get(name) is not None for name in names)
        ):
            return False
        for name in names:
            copies[name].restore()  # type: ignore[union-attr]
        return True

    def _fixture_setup(cls: Any) -> None:
        if not _put_back(cls):
            original_setup(cls)

    def _fixture_teardown(self: Any) -> None:
        if not _put_back(self):
            original_teardown(self)

    TransactionTestCase._fixture_setup = classmethod(_fixture_setup)  # type: ignore[assignment,method-assign]
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]
    try:
        yield
    finally:
        TransactionTestCase._fixture_setup = classmethod(original_setup)  # type: ignore[assignment,method-assign]
        TransactionTestCase._fixture_teardown = original_teardown  # type: ignore[method-assign]
