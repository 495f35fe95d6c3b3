"""The browser tests' demo is put back from a copy (``tests/demo_fixture.py``): whatever a
test changes — rows, sequences, stored files — the copy brings back
exactly the state the demo loader left."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.demo import DemoData

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _value(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _state(media: Path | None) -> dict[str, Any]:
    """A digest of every table's rows, the sequences and the stored files."""
    from django.db import connection

    state: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(map(_value, row))) for row in cursor.fetchall())
            state[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = current_schema()"
            )
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
        state["sequences"] = sorted(cursor.fetchall())
    if media is None:
        return state
    state["files"] = sorted(
        (p.relative_to(media).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in media.rglob("*")
        if p.is_file()
    )
    return state


def test_the_copy_brings_back_exactly_the_loaded_demo(
    demo: DemoData, saved_demo: dict[str, Any], settings: Any
) -> None:
    from django.core.cache import cache
    from django.db import connection

    from warkat.letters.models import Letter
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    saved = saved_demo.get("saved")
    if saved is None:
        pytest.skip("no copy on this database (a PostgreSQL role without superuser)")
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    before = _state(media)
    assert before["files"], "the demo stores its letters' files"
    with tenant_scope(demo.tenant):
        assert Letter.objects.exists()

    # A test's changes: new rows (sequences move on), changed rows, a stored file
    # gone and another added.
    tenant_create(region_code="75.01", actor=None, build_regions=False)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Letter._meta.db_table} SET subject = 'diubah'")
    gone = next(p for p in media.rglob("*") if p.is_file())
    gone.unlink()
    (media / "baru.txt").write_text("berkas baru")
    assert _state(media) != before

    saved.put_back(media)
    cache.clear()  # as ``demo`` does: the copy holds the loader's cache rows
    assert _state(media) == before


def test_a_transactional_test_starts_from_and_leaves_the_migrated_database() -> None:
    """What ``tests/database.py`` puts back after every transactional test on
    PostgreSQL: the migrations' rows and nothing else, with the sequences never set
    back."""

    from tests.database import COPIES
    from warkat.archive.models import ClassificationCode
    from warkat.tenancy.models import Tenant
    from warkat.tenancy.services import tenant_create

    copy = COPIES.get("default")
    if copy is None:
        pytest.skip("Django's flush on this database (SQLite, or no superuser)")
    assert ClassificationCode.objects.exists()  # the migrations' rows are there
    assert not Tenant.objects.exists()  # and nothing an earlier test made
    before = _state(None)
    tenant_create(region_code="75.01", actor=None, build_regions=False)
    ClassificationCode.objects.filter(
        pk=ClassificationCode.objects.order_by("pk").values("pk")[:1]
    ).update(name="diubah")
    changed = _state(None)
    assert changed != before

    copy.restore()
    after = _state(None)
    sequences = dict(after.pop("sequences"))
    assert after == {k: v for k, v in before.items() if k != "sequences"}
    for name, value in changed["sequences"]:
        assert (sequences.get(name) or 0) >= (value or 0), name
