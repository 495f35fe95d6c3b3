"""Fast inserts for the generator: PostgreSQL COPY (or multi-row INSERT where COPY is
not allowed) and SQLite ``executemany``, with ids assigned up front so that rows can
refer to each other without reading them back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from warkat.tenancy.scope import all_tenants

BATCH = 5_000


def next_id(model: type[Model]) -> int:
    """The first free primary key of ``model``'s table (the generator is the only
    writer while it runs)."""
    table = connection.ops.quote_name(model._meta.db_table)
    # Raw SQL sees every tenant's rows only when row-level security says so.
    with all_tenants(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return int(cursor.fetchone()[0]) + 1


def _copy_allowed() -> bool:
    """PostgreSQL refuses COPY FROM into tables under row-level security for roles
    that are subject to it; superusers and BYPASSRLS roles may use it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def insert_objects(model: type[Model], objects: Iterable[Model]) -> int:
    """Insert unsaved ``objects`` of ``model`` (each with its ``pk`` already set, see
    ``next_id``) and return how many were inserted.

    Every concrete column is written, through each field's own database preparation,
    so values are stored exactly as the ORM would store them; ``auto_now`` fields left
    empty get the current time. Models never see ``save()`` here: this is only for
    generated data that already satisfies every constraint.
    """
    meta = model._meta
    cols = list(meta.concrete_fields)
    stamped = [
        f
        for f in cols
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    now = timezone.now()
    table = connection.ops.quote_name(meta.db_table)
    # Concrete fields always have a column; the type says Optional for the others.
    names = ", ".join(connection.ops.quote_name(str(f.column)) for f in cols)

    def prepared(obj: Model) -> list[Any]:
        for f in stamped:
            if getattr(obj, f.attname) is None:
                setattr(obj, f.attname, now)
        values = []
        for f in cols:
            value = getattr(obj, f.attname)
            values.append(
                None if value is None else f.get_db_prep_save(value, connection)
            )
        return values

    count = 0
    if connection.vendor == "postgresql" and _copy_allowed():
        sql = f"COPY {table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for obj in objects:
                copy.write_row(prepared(obj))
                count += 1
        _sync_sequence(model)
        return count
    placeholders = ", ".join(["%s"] * len(cols))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for obj in objects:
            batch.append(prepared(obj))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    _sync_sequence(model)
    return count


def _sync_sequence(model: type[Model]) -> None:
    """Move PostgreSQL's id sequence past the explicitly assigned ids."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with all_tenants(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))",
            [table],
        )


def refresh_statistics(*models: type[Model]) -> None:
    """Bring PostgreSQL's planner statistics and visibility map up to date after a
    bulk load, as autovacuum would within minutes: without it the first benchmark
    requests are planned on an empty table's statistics, and index-only scans (the
    inbox counters) visit the heap for every row."""
    if connection.vendor != "postgresql":
        return
    # VACUUM cannot run in a transaction (the test suite's); ANALYZE alone can.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(
                f"{command} {connection.ops.quote_name(model._meta.db_table)}"
            )
