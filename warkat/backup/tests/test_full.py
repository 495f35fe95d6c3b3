"""A whole installation backed up, destroyed and restored into a new database and a
new storage location: files, signatures, the audit chain and the numbering survive."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from warkat.backup.storagefiles import storage_walk
from warkat.backup.tests.filling import (
    agenda_books,
    chain_events,
    connected_to,
    file_sums,
    fill,
    fresh_database,
    numbers,
    sign_one_more,
    signatures_valid,
)
from warkat.letters.tests.factories import register
from warkat.tenancy.models import Tenant

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _media(settings: Any, root: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }


def test_backup_destroy_restore_into_a_new_database_and_storage(
    o: SimpleNamespace, frozen: Any, settings: Any, tmp_path: Path, media: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("restoring into a second database is tested on PostgreSQL")
    fill(o, frozen)
    tenant = o.tenant
    sums = file_sums()
    events = chain_events(tenant)
    signed = numbers(tenant)
    books = agenda_books(tenant)
    assert len(sums) >= 4 and signed == [1, 2] and events > 10

    archive = tmp_path / "backup-1"
    call_command("backup", str(archive))
    assert (archive / "manifest.json").is_file()

    # Destroy: the files go, and the installation moves to a new, empty database.
    for name in storage_walk():
        (media / name).unlink()
    assert not list(storage_walk())
    _media(settings, tmp_path / "restored-media")
    with fresh_database("restore") as name, connected_to(name):
        call_command("restore", str(archive))
        tenant = Tenant.objects.get(pk=tenant.pk)
        assert file_sums() == sums
        assert signatures_valid() == 2
        assert chain_events(tenant) == events
        sign_one_more(o, frozen)
        register(o, subject="Surat masuk sesudah pemulihan")
        assert numbers(tenant) == [1, 2, 3]
        after = agenda_books(tenant)
        key = (o.dinas.code, "incoming", 2026)
        assert after[key] == books[key] + 1
        assert signatures_valid() == 3
        assert chain_events(tenant) > events
