"""On PostgreSQL, transactional tests leave behind the migrated test database, put
back from a copy taken once per test process (``tests/snapshot.py``).

Django's way after a transactional test: ``flush``, a ``TRUNCATE`` of every table
(new files for ~110 tables and ~570 indexes: 4-24 s on a busy two-core machine),
then ``post_migrate`` (the content types, the permissions, and the row-level
security policies applied again, ``warkat.tenancy.rls``); and before a test with
``serialized_rollback``, every row the migrations made saved again through the ORM
from a JSON dump (4-8 s). Here each becomes one put-back of the copy (0.1-0.3 s):
the tables that hold rows are emptied and the migrations' rows copied in, the
sequences left where they are, as the flush leaves them (rows of different tests
never share an id). Every transactional test so starts from the migrated database,
the state the first one of each test process always found.

Tests with ``available_apps``, ``fixtures`` or ``reset_sequences``, and any other
backend, keep Django's way; there a test with ``serialized_rollback`` that follows
one without (a browser test's flush makes the content types again, under new ids)
first empties the tables, so that Django's reload of the migrations' rows does not
clash with them. SQLite keeps it on purpose: there ``flush`` is cheap (``DELETE`` in
a database file in shared memory), and a put-back (the backup API rewriting its
pages) would have to wait for every live-server request thread's connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.snapshot import DatabaseCopy

#: This process's copy of each migrated test database (None: Django's way).
COPIES: dict[str, DatabaseCopy | None] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    from django.core.management import call_command
    from django.db import connections
    from django.test import TransactionTestCase

    from tests.snapshot import database_copy

    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            COPIES[alias] = (
                database_copy(connection, sequences=False)
                if connection.vendor == "postgresql"
                else None
            )
    copies = COPIES

    original_setup = TransactionTestCase._fixture_setup.__func__  # type: ignore[attr-defined]
    original_teardown = TransactionTestCase._fixture_teardown

    def _put_back(case: Any) -> bool:
        """Put every database of ``case`` back, or say it takes Django's way."""
        names = case._databases_names(include_mirrors=False)
        if not (
            case.available_apps is None
            and not case.fixtures
            and not case.reset_sequences
            and all(copies.get(name) is not None for name in names)
        ):
            return False
        for name in names:
            copies[name].restore()  # type: ignore[union-attr]
        return True

    #: Databases a flush with ``post_migrate`` left content types and permissions in.
    refilled: set[str] = set()

    def _fixture_setup(cls: Any) -> None:
        # Only the serialized rollback loads anything before a test: the rows the
        # migrations made, which the copy holds.
        if not cls.serialized_rollback:
            original_setup(cls)
        elif not _put_back(cls):
            # Django's reload saves the migrations' rows with their ids: content types
            # made again under new ids by the last test's flush would clash.
            for name in refilled & set(cls._databases_names(include_mirrors=False)):
                call_command(
                    "flush",
                    verbosity=0,
                    interactive=False,
                    database=name,
                    inhibit_post_migrate=True,
                )
                refilled.discard(name)
            original_setup(cls)

    def _fixture_teardown(self: Any) -> None:
        if not _put_back(self):
            original_teardown(self)
            if not self.serialized_rollback and self.available_apps is None:
                refilled.update(self._databases_names(include_mirrors=False))

    TransactionTestCase._fixture_setup = classmethod(_fixture_setup)  # type: ignore[assignment,method-assign]
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]
    try:
        yield
    finally:
        TransactionTestCase._fixture_setup = classmethod(original_setup)  # type: ignore[assignment,method-assign]
        TransactionTestCase._fixture_teardown = original_teardown  # type: ignore[method-assign]
