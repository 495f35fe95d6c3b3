"""Dumping and loading the whole database: ``pg_dump``/``pg_restore`` on PostgreSQL,
SQLite's online backup API on the embedded default.

On PostgreSQL the app's role is ``NOSUPERUSER NOBYPASSRLS`` and every tenant-owned
table has FORCE ROW LEVEL SECURITY, so a plain ``pg_dump`` as that role fails ("query
would be affected by row-level security policy"). The dump therefore runs with
``--enable-row-security`` and the session setting the policies read set to ``all``
(``PGOPTIONS``), which makes every tenant's rows visible to it; restoring does the
same so the forced policies let the rows in.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

from warkat.backup.archive import ArchiveError


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_args_env() -> tuple[list[str], dict[str, str]]:
    s: dict[str, Any] = connection.settings_dict
    args = ["--dbname", str(s["NAME"])]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ, "PGOPTIONS": "-c warkat.tenant_id=all"}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # The message names the step and PostgreSQL's words, never the password.
        raise ArchiveError(f"{what} failed: {done.stderr.strip()[-2000:]}")


def db_dump(target: Path) -> None:
    """Write the whole database to ``target`` (custom-format dump or SQLite file)."""
    if is_postgres():
        args, env = _pg_args_env()
        cmd = [
            "pg_dump",
            "--format=custom",
            "--enable-row-security",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            *args,
        ]
        _run(cmd, env, "pg_dump")
        return
    if connection.in_atomic_block:
        # The backup API waits for the writer to finish: it would wait for us.
        raise ArchiveError("An SQLite backup must run outside a transaction.")
    connection.ensure_connection()
    out = sqlite3.connect(target)
    try:
        connection.connection.backup(out)  # consistent online copy
    finally:
        out.close()


def applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def db_tables() -> list[str]:
    """The tables of the configured database (empty for a fresh one)."""
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def db_require_empty() -> None:
    """Refuse, with a clear message, a database that already holds tables."""
    tables = db_tables()
    if tables:
        name = connection.settings_dict["NAME"]
        raise ArchiveError(
            f"The database {name!r} is not empty ({len(tables)} tables, e.g. "
            f"{', '.join(tables[:3])}). Restore only into a new, empty database; "
            "nothing was changed."
        )


def db_load(source: Path) -> None:
    """Load a dump into the configured database, which must be empty."""
    db_require_empty()
    if is_postgres():
        args, env = _pg_args_env()
        cmd = [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            *args,
            str(source),
        ]
        connection.close()  # pg_restore needs no session of ours holding locks
        _run(cmd, env, "pg_restore")
        return
    connection.ensure_connection()
    src = sqlite3.connect(source)
    try:
        src.backup(connection.connection)
    finally:
        src.close()
