"""A copy of the whole test database, taken once per test process and put back
before a test in a fraction of a second.

Two copies are taken: on PostgreSQL the migrated database, right after it is made
(every transactional test leaves it behind, in place of Django's flush, and one with
a serialized rollback starts from it, in place of reloading the serialized data:
``tests/database.py``), and on either backend the loaded demo, with its storage
folder (``demo``, ``tests/demo_fixture.py``: 15-25 s to load).

- SQLite: the sqlite3 backup API, into a private in-memory database and back.
- PostgreSQL: ``COPY`` of every table out to memory; putting it back empties the
  tables holding rows now or in the copy with ``DELETE`` and copies the rows in, with
  triggers off (``session_replication_role = replica``: the rows are an exact copy,
  the append-only and derived-data triggers have already run on them). Not
  ``TRUNCATE``: it makes new files for all ~110 tables and ~570 indexes, 4-24 s on a
  busy machine, where finding the tables with rows and deleting them takes 0.1 s.
  Row-level security does not apply to a superuser, which the test database's owner
  is; ``row_security = off`` makes PostgreSQL refuse rather than copy or delete a part
  of a table if it ever did.

Sequences: the demo's copy puts them back (the next test numbers rows as the loader
left them); the migrated database's copy leaves them where they are, as Django's
flush does, so rows of different tests never share an id.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db import connections, transaction


class DatabaseCopy(Protocol):
    def restore(self) -> None: ...


def _current(alias: str) -> Any:
    """This context's connection: Playwright's sync API runs a test in another
    greenlet than the one that made the copy, and Django's connections are per
    context (the copy's own would be in autocommit, outside ``atomic``)."""
    return connections[alias]


#: How long a SQLite backup may wait for another connection's lock.
SQLITE_BACKUP_WAIT = 60.0


def _sqlite_backup(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """``source.backup(target)``, refused after ``SQLITE_BACKUP_WAIT`` seconds:
    sqlite3's own backup retries for ever while another connection to the database
    (a live-server request's) holds a lock on it."""
    deadline = time.monotonic() + SQLITE_BACKUP_WAIT

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and (
            time.monotonic() > deadline
        ):
            raise TimeoutError(
                f"SQLite backup still locked out after {SQLITE_BACKUP_WAIT:.0f} s"
            )

    source.backup(target, progress=progress, sleep=0.05)


class SqliteCopy:
    """The test database, through the connection that made the copy (the test
    thread's)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        connection.ensure_connection()
        self._copy = sqlite3.connect(":memory:", check_same_thread=False)
        _sqlite_backup(self._raw(), self._copy)

    def _raw(self) -> sqlite3.Connection:
        raw = self.connection.connection
        if raw.in_transaction:
            raise RuntimeError(
                "the database copy needs a connection outside a transaction"
            )
        return raw

    def restore(self) -> None:
        self.connection.ensure_connection()
        _sqlite_backup(self._copy, self._raw())


class PostgresCopy:
    def __init__(self, connection: Any, *, sequences: bool = True) -> None:
        self.alias = connection.alias
        qn = connection.ops.quote_name
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL row_security = off")
            # Ordinary tables (partitions included) of the test schema; the
            # migration history never changes between tests.
            cursor.execute(
                """SELECT c.relname FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE c.relkind = 'r' AND n.nspname = current_schema()
                     AND c.relname <> 'django_migrations'
                   ORDER BY c.relname"""
            )
            self.tables = [qn(name) for (name,) in cursor.fetchall()]
            self.rows: dict[str, bytes] = {}
            for table in self.tables:
                with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    data = b"".join(bytes(block) for block in copy)
                if data:
                    self.rows[table] = data
            cursor.execute(
                """SELECT format('%I.%I', schemaname, sequencename),
                          coalesce(last_value, start_value), last_value IS NOT NULL
                   FROM pg_sequences WHERE schemaname = current_schema()"""
            )
            self.sequences = cursor.fetchall() if sequences else []
        # One query naming the tables that hold rows (an index probe each).
        self._holding_rows = " UNION ALL ".join(
            f"SELECT {i} WHERE EXISTS (SELECT FROM {table})"
            for i, table in enumerate(self.tables)
        )

    def restore(self) -> None:
        connection = _current(self.alias)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL row_security = off")
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SHOW session_replication_role")
            if cursor.fetchone()[0] != "replica":  # outside a transaction
                raise RuntimeError("the copy is put back inside a transaction")
            cursor.execute(self._holding_rows)
            holding = {self.tables[i] for (i,) in cursor.fetchall()}
            for table in sorted(holding | set(self.rows)):
                cursor.execute(f"DELETE FROM {table}")
            for table, data in self.rows.items():
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data)
            if self.sequences:
                cursor.execute(
                    "SELECT "
                    + ", ".join(["setval(%s::regclass, %s, %s)"] * len(self.sequences)),
                    [value for sequence in self.sequences for value in sequence],
                )


def database_copy(connection: Any, *, sequences: bool = True) -> DatabaseCopy | None:
    """A copy of ``connection``'s database as it is now, or None where it cannot be
    made (another backend, or a PostgreSQL role without the superuser's rights to
    write every table with its triggers off). ``sequences=False`` (PostgreSQL only):
    putting it back leaves the sequences where they are."""
    if connection.vendor == "sqlite":
        return SqliteCopy(connection) if sequences else None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                return PostgresCopy(connection, sequences=sequences)
    return None


def folder_copy(source: Path, target: Path) -> None:
    """Make ``target`` hold exactly the files of ``source``."""
    if target.exists():
        shutil.rmtree(target)
    if source.exists():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True)


@dataclass
class SavedDemo:
    """The loaded demo: its database, its storage folder, and the day it was
    loaded on."""

    database: DatabaseCopy
    media: Path
    stamp: tuple[Any, ...]

    def put_back(self, media: Path) -> None:
        """Give the database and the storage folder ``media`` the saved state."""
        folder_copy(self.media, media)
        self.database.restore()
