"""A whole installation backed up, destroyed and restored into a new database and a
new storage location: files, signatures, the audit chain and the numbering survive."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from warkat.backup.storagefiles import storage_walk
from warkat.backup.tests.filling import (
    agenda_books,
    app_role,
    chain_events,
    connected_to,
    file_sums,
    fill,
    fresh_database,
    media_at,
    numbers,
    sign_one_more,
    signatures_valid,
)
from warkat.letters.tests.factories import register
from warkat.tenancy.models import Tenant

PROJECT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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
    with app_role() as (role, password), connected_to(user=role, password=password):
        # As production's role: a plain pg_dump is stopped by the forced policies.
        plain = subprocess.run(
            [
                "pg_dump",
                "-h",
                "127.0.0.1",
                "-U",
                role,
                "-d",
                connection.settings_dict["NAME"],
                "-t",
                "letters_letter",
            ],
            env={**os.environ, "PGPASSWORD": password},
            capture_output=True,
            text=True,
            check=False,
        )
        call_command("backup", str(archive))
    assert plain.returncode != 0 and "row-level security" in plain.stderr
    assert (archive / "manifest.json").is_file()

    # Destroy: the files go, and the installation moves to a new, empty database.
    for name in storage_walk():
        (media / name).unlink()
    assert not list(storage_walk())
    media_at(settings, tmp_path / "restored-media")
    with (
        app_role() as (role, password),
        fresh_database("restore", owner=role) as name,
        connected_to(name, user=role, password=password),
    ):
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


CHECK = """
import json, sys
import django
django.setup()
from warkat.backup.tests.filling import chain_events, file_sums, numbers, signatures_valid
from warkat.tenancy.models import Tenant
tenant = Tenant.objects.get(slug=sys.argv[1])
print(json.dumps({"sums": file_sums(), "signed": signatures_valid(),
                  "events": chain_events(tenant), "numbers": numbers(tenant)}))
"""


def test_sqlite_backup_restores_into_a_new_file_and_folder(
    o: SimpleNamespace, frozen: Any, settings: Any, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the embedded SQLite default (PostgreSQL is tested above)")
    settings.WARKAT_CA_KEY = "backup-test-installation-key-0123456789"
    fill(o, frozen)
    expected = {
        "sums": file_sums(),
        "signed": 2,
        "events": chain_events(o.tenant),
        "numbers": [1, 2],
    }
    archive = tmp_path / "backup-1"
    call_command("backup", str(archive))
    # A new installation: another database file and media folder, another process.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WARKAT_", "DATABASE_URL", "AWS_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        WARKAT_MEDIA_ROOT=str(tmp_path / "restored-media"),
        WARKAT_CA_KEY=settings.WARKAT_CA_KEY,
        DJANGO_SETTINGS_MODULE="warkat.config.settings",
    )
    run = functools.partial(
        subprocess.run,
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    done = run([sys.executable, "manage.py", "restore", str(archive)])
    assert done.returncode == 0, done.stderr
    done = run([sys.executable, "-c", CHECK, o.tenant.slug])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == expected
    again = run([sys.executable, "manage.py", "restore", str(archive)])
    assert again.returncode != 0 and "is not empty" in again.stderr
