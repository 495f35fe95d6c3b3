"""One tenant exported and imported into another installation that already serves
another tenant: new ids everywhere, and still every file, signature, audit event
and number in place."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from warkat.accounts.models import User
from warkat.backup.archive import ArchiveError
from warkat.backup.storagefiles import storage_walk
from warkat.backup.tenant_import import tenant_import
from warkat.backup.tenantset import KEPT_AS_IS, SOFT_REFS, all_models, label
from warkat.backup.tests.filling import (
    agenda_books,
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
from warkat.letters.tests.factories import build_org, register
from warkat.org.models import Person, Position, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope
from warkat.tenancy.services import tenant_create

SOURCE_KEY = "the-source-installation-key-0123456789"
TARGET_KEY = "the-target-installation-key-9876543210"


def test_every_id_column_without_a_foreign_key_is_declared() -> None:
    found = set()
    for model in all_models():
        for f in model._meta.concrete_fields:
            if f.is_relation:
                continue
            if f.name.endswith(("_id", "_ids")) or f.name == "object_id":
                found.add((label(model), f.name))
    unknown = found - set(SOFT_REFS) - KEPT_AS_IS
    assert not unknown, f"say in warkat/backup/tenantset.py what {unknown} point at"


def _tenant_files(tenant_id: int) -> dict[str, str]:
    return {
        name: digest
        for name, digest in file_sums().items()
        if str(tenant_id) in name.split("/")[:2]
    }


def _same_org(o: SimpleNamespace, tenant: Tenant) -> SimpleNamespace:
    """``o``'s people, positions, units and users as imported into ``tenant``."""
    with tenant_scope(tenant):
        units = {u.code: u for u in Unit.objects.all()}
        positions = {
            (p.unit.code, p.name): p for p in Position.objects.select_related("unit")
        }
        people = {(p.full_name, p.email): p for p in Person.objects.all()}
        return SimpleNamespace(
            tenant=tenant,
            dinas=units[o.dinas.code],
            pos=SimpleNamespace(
                **{k: positions[(v.unit.code, v.name)] for k, v in vars(o.pos).items()}
            ),
            people=SimpleNamespace(
                **{k: people[(v.full_name, v.email)] for k, v in vars(o.people).items()}
            ),
            users=SimpleNamespace(
                **{
                    k: User.objects.get(username=v.username)
                    for k, v in vars(o.users).items()
                }
            ),
        )


@pytest.fixture
def empty_installation(db: Any, tmp_path: Path) -> Path:
    """An archive of this installation before any tenant: a new installation's
    database (migrated, with the national codes) to restore elsewhere."""
    archive = tmp_path / "empty"
    call_command("backup", str(archive))
    return archive


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_export_one_tenant_and_import_it_beside_another(
    empty_installation: Path,
    o: SimpleNamespace,
    frozen: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a second installation is a second PostgreSQL database")
    settings.WARKAT_CA_KEY = SOURCE_KEY
    # The CA and signer keys are made under the source key.
    fill(o, frozen)
    source = o.tenant
    sums = sorted(_tenant_files(source.pk).values())
    events = chain_events(source)
    books = agenda_books(source)
    assert numbers(source) == [1, 2]
    archive = tmp_path / "keerom"
    call_command("tenant_export", source.slug, str(archive))

    media_at(settings, tmp_path / "target-media")
    settings.WARKAT_CA_KEY = TARGET_KEY
    with fresh_database("import") as name, connected_to(name):
        call_command("restore", str(empty_installation))
        # The target already serves Gorontalo, whose ids collide with Keerom's.
        other = tenant_create(region_code="75.01", actor=None, build_regions=False)
        with tenant_scope(other):
            g = build_org(other, prefix="G")
            fill(g, frozen)
        assert other.pk == source.pk

        with pytest.raises(CommandError, match="source key does not open"):
            call_command("tenant_import", str(archive))
        assert not Tenant.objects.filter(slug=source.slug).exists()
        assert not [
            n
            for n in storage_walk()
            if n.split("/")[0] != str(other.pk)
            and not n.startswith(f"signed/{other.pk}/")
        ]

        report = tenant_import(src=archive, source_key=SOURCE_KEY)
        imported = report.tenant
        assert imported.pk != source.pk and imported.region_code == source.region_code
        assert sorted(_tenant_files(imported.pk).values()) == sums
        assert signatures_valid() == 4
        assert chain_events(imported) == events + 1  # and the import itself
        chain_events(other)
        assert agenda_books(imported) == books
        assert numbers(imported) == [1, 2]

        o2 = _same_org(o, imported)
        with tenant_scope(imported):
            sign_one_more(o2, frozen)
            register(o2, subject="Surat masuk sesudah pindah")
        assert numbers(imported) == [1, 2, 3]
        assert numbers(other) == [1, 2]
        key = (o.dinas.code, "incoming", 2026)
        assert agenda_books(imported)[key] == books[key] + 1
        assert signatures_valid() == 5
        chain_events(imported)

        with pytest.raises(ArchiveError, match="already has the tenant"):
            tenant_import(src=archive, source_key=SOURCE_KEY)
    assert django_settings.WARKAT_CA_KEY == TARGET_KEY
