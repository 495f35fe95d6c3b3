"""``demo``: Papua hosting Keerom as ``manage.py demo_load`` makes it, for browser
tests and for any test that reads the whole demo (the demo command's results, the
README's log-in table, the Indonesian pages): loaded once per test process, then put
back from a copy (``tests/snapshot.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def saved_demo() -> dict[str, Any]:
    """This test process's copy of the loaded demo (see ``demo``), under "saved"."""
    return {}


@pytest.fixture
def demo(
    transactional_db: Any,
    django_db_serialized_rollback: Any,
    settings: Any,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    saved_demo: dict[str, Any],
) -> Any:
    """Papua hosting Keerom, as ``manage.py demo_load`` makes it, with its files in
    this test's own storage folder (``settings.STORAGES``). The test is transactional
    (the demo's after-commit work runs as in ``manage.py demo_load``) with a
    serialized rollback, as every transactional test but the browser-only ones: it
    starts from the migrated database, and leaves none of its rows behind for the next
    one (``tests/database.py``).

    The first test of a process loads it (15-25 s) and copies the database and the
    folder (``tests/snapshot.py``); the next ones get that copy back, every table
    and file exactly as the loader left them (``test_demo_copy.py`` proves it). A
    copy made on another day (in Keerom, UTC or the server's zone) is not used: the
    demo's attendance and deadlines count from the day it is loaded."""
    from django.core.cache import cache
    from django.db import connection

    from tests.e2e.demo import demo_data, demo_load, demo_stamp
    from tests.snapshot import SavedDemo, database_copy, folder_copy
    from warkat.tenancy.models import Tenant

    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    # The copy replaces every row: nothing may have been made before it.
    assert not Tenant.objects.exists(), "request `demo` before fixtures that add data"
    saved = saved_demo.get("saved")
    if saved is not None and saved.stamp == demo_stamp():
        saved.put_back(media)
        data = demo_data()
    else:
        stamp = demo_stamp()
        data = demo_load()
        copy = database_copy(connection) if stamp == demo_stamp() else None
        if copy is not None:
            kept = tmp_path_factory.mktemp("demo-media")
            folder_copy(media, kept)
            saved_demo["saved"] = SavedDemo(copy, kept, stamp)
    # Signing the demo letters used this window's TOTP code of their signers: the
    # test signs in with the same code, which must not look like a replay. The cache
    # table is part of the copy too: nothing cached survives into the next test.
    cache.clear()
    return data
