"""A copy of the whole test database and of the storage folder, taken once per test
process and put back before a test: the browser tests' demo costs 15-25 s to load
and a fraction of a second to put back.

Browser tests are transactional (``live_server`` serves from another thread), so the
database is flushed after each of them; the copy holds every row of every table
(sequences included), so putting it back gives the next test exactly the state the
loader left, whatever the previous test changed.

- SQLite: the sqlite3 backup API, into a private in-memory database and back.
- PostgreSQL: ``COPY`` of every table out to memory, and ``TRUNCATE`` + ``COPY`` in
  with triggers off (``session_replication_role = replica``: the rows are an exact
  copy, the append-only and derived-data triggers have already run on them), then
  each sequence set back. Row-level security does not apply to a superuser, which
  the test database's owner is; ``row_security = off`` makes PostgreSQL refuse
  rather than copy a part of a table if it ever did.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db import transaction


class DatabaseCopy(Protocol):
    def restore(self) -> None: ...


class SqliteCopy:
    def __init__(self, connection: Any) -> None:
        self.connection = connection
        connection.ensure_connection()
        self._copy = sqlite3.connect(":memory:", check_same_thread=False)
        self._raw().backup(self._copy)

    def _raw(self) -> sqlite3.Connection:
        raw = self.connection.connection
        if raw.in_transaction:
            raise RuntimeError(
                "the database copy needs a connection outside a transaction"
            )
        return raw

    def restore(self) -> None:
        self.connection.ensure_connection()
        self._copy.backup(self._raw())


class PostgresCopy:
    def __init__(self, connection: Any) -> None:
        self.connection = connection
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
            self.sequences = cursor.fetchall()

    def restore(self) -> None:
        connection = self.connection
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SET LOCAL row_security = off")
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(f"TRUNCATE {', '.join(self.tables)}")
            for table, data in self.rows.items():
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(data)
            for name, value, called in self.sequences:
                cursor.execute(
                    "SELECT setval(%s::regclass, %s, %s)", [name, value, called]
                )


def database_copy(connection: Any) -> DatabaseCopy | None:
    """A copy of ``connection``'s database as it is now, or None where it cannot be
    made (another backend, or a PostgreSQL role without the superuser's rights to
    write every table with its triggers off)."""
    if connection.vendor == "sqlite":
        return SqliteCopy(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                return PostgresCopy(connection)
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
