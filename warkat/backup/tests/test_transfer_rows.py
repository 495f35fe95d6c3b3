"""What a tenant export holds and leaves out, and an import beside the original
(on SQLite and PostgreSQL alike: the export and import need no second database)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from warkat.accounts.models import User
from warkat.backup.archive import ArchiveError
from warkat.backup.tenant_export import ROWS_DIR, tenant_export
from warkat.backup.tenant_import import tenant_import
from warkat.backup.tests.filling import agenda_books, chain_events, file_sums
from warkat.demo.accounts import DEMO_TOTP_SECRET
from warkat.dispositions.services.create import disposition_create
from warkat.letters.tests.factories import build_org, register
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants, tenant_scope

pytestmark = pytest.mark.django_db


def _rows(archive: Path) -> dict[str, list[dict[str, Any]]]:
    return {
        p.name.removesuffix(".jsonl"): [
            json.loads(line) for line in p.read_text().splitlines() if line
        ]
        for p in (archive / ROWS_DIR).iterdir()
    }


@pytest.fixture
def two(o: SimpleNamespace, other_tenant: Tenant) -> SimpleNamespace:
    TOTP.activate(o.users.kadis, DEMO_TOTP_SECRET)
    letter = register(o)
    disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Tindak lanjuti"],
    )
    with tenant_scope(other_tenant):
        g = build_org(other_tenant, prefix="G")
        TOTP.activate(g.users.kadis, DEMO_TOTP_SECRET)
        register(g)
    return SimpleNamespace(o=o, g=g)


def test_export_holds_the_tenant_and_nothing_of_another(
    two: SimpleNamespace, tmp_path: Path
) -> None:
    o, g = two.o, two.g
    archive = tmp_path / "keerom"
    tenant_export(tenant=o.tenant, dest=archive)
    rows = _rows(archive)
    assert [r["id"] for r in rows["tenancy.Tenant"]] == [o.tenant.pk]
    for name, items in rows.items():
        for row in items:
            assert row.get("tenant_id", o.tenant.pk) == o.tenant.pk, name
    usernames = {r["username"] for r in rows["accounts.User"]}
    assert o.users.kadis.username in usernames
    assert not {u.username for u in vars(g.users).values()} & usernames
    # Two-factor devices of the tenant's users only (a table without tenant).
    authenticators = {r["user_id"] for r in rows["mfa.Authenticator"]}
    assert authenticators == {o.users.kadis.pk}
    with all_tenants():
        assert Authenticator.objects.filter(user=g.users.kadis).exists()
    assert "sessions.Session" not in rows
    files = list(json.loads((archive / "manifest.json").read_text())["files"])
    assert all(
        str(o.tenant.pk) in n.split("/")[1:3] for n in files if n.startswith("files/")
    )


def test_import_beside_the_original_gets_new_ids_and_keeps_its_chain(
    two: SimpleNamespace, tmp_path: Path
) -> None:
    o = two.o
    source = o.tenant
    archive = tmp_path / "keerom"
    tenant_export(tenant=source, dest=archive)
    events = chain_events(source)
    books = agenda_books(source)
    # The same installation plays "another installation": the original gives up
    # its names so the copy may take them.
    with pytest.raises(ArchiveError, match="already has the tenant"):
        tenant_import(src=archive)
    Tenant.objects.filter(pk=source.pk).update(slug="keerom-lama", region_code="99.99")
    with pytest.raises(ArchiveError, match="User names already taken"):
        tenant_import(src=archive)
    for user in User.objects.filter(tenant=source):
        User.objects.filter(pk=user.pk).update(username=f"old-{user.username}")
    before = file_sums()

    report = tenant_import(src=archive)
    copy = report.tenant
    assert copy.pk != source.pk and copy.slug == source.slug
    assert chain_events(copy) == events + 1
    assert chain_events(source) == events
    assert agenda_books(copy) == books
    with all_tenants():
        kadis = User.objects.get(username=o.users.kadis.username)
        assert kadis.tenant_id == copy.pk and kadis.pk != o.users.kadis.pk
        assert kadis.person is not None and kadis.person.tenant_id == copy.pk
        device = Authenticator.objects.get(user=kadis)
    # The TOTP secret was re-sealed and still opens.
    assert get_adapter().decrypt(device.data["secret"]) == DEMO_TOTP_SECRET
    after = file_sums()
    moved = {n: s for n, s in after.items() if n not in before}
    assert moved and all(str(copy.pk) in n.split("/")[:2] for n in moved)
    assert sorted(moved.values()) == sorted(
        s for n, s in before.items() if str(source.pk) in n.split("/")[:2]
    )
