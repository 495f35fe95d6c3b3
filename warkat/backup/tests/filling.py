"""A tenant filled through the real services, and the checks a restore must pass."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection

from warkat.audit.models import AuditEvent
from warkat.audit.verify import audit_chain_verify
from warkat.backup.archive import sha256_stream
from warkat.backup.storagefiles import storage_walk
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.drafting.models import NumberEntry
from warkat.drafting.sending import letter_sign
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
from warkat.letters.models import AgendaCounter, Letter
from warkat.letters.tests.factories import register
from warkat.signing.models import SignedDocument
from warkat.signing.verification import verification_by_code
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants, tenant_scope


def fill(o: SimpleNamespace, frozen: Any) -> None:
    """Incoming letters with files, a disposition and its follow-up, two letters
    signed through the real signing path (number, PDF/A, PAdES, timestamp)."""
    first = register(o)
    register(o, subject="Laporan kegiatan", security="rahasia")
    (d,) = disposition_create(
        actor=o.users.kadis,
        letter=first,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Tindak lanjuti"],
    )
    followup_create(actor=o.users.kabid_a, disposition=d, text="Sudah dikerjakan")
    user = signer_ready(o)
    for subject in ("Undangan rapat", "Permohonan data"):
        letter_sign(
            actor=user,
            draft=approved(o, subject=subject),
            passphrase=PASSPHRASE,
            otp=otp(frozen),
        )


def file_sums() -> dict[str, str]:
    sums = {}
    for name in storage_walk():
        with default_storage.open(name, "rb") as handle:
            sums[name] = sha256_stream(handle)[0]
    return sums


def signatures_valid() -> int:
    """Every signed document validates: intact, trusted, timestamped, and the
    stored file is the one whose SHA-256 was recorded at signing."""
    with all_tenants():
        codes = list(SignedDocument.objects.values_list("verification_code", flat=True))
    for code in codes:
        checks = verification_by_code(code).checks
        assert checks, code
        for c in checks:
            assert c.intact and c.trusted and c.timestamped, c
    return len(codes)


def chain_events(tenant: Tenant) -> int:
    report = audit_chain_verify(tenant=tenant)
    assert report.ok, report.problem
    with tenant_scope(tenant):
        assert report.checked == AuditEvent.objects.count()
    return report.checked


def numbers(tenant: Tenant) -> list[int]:
    with tenant_scope(tenant):
        return sorted(NumberEntry.objects.values_list("sequence", flat=True))


def agenda_books(tenant: Tenant) -> dict[tuple[str, str, int], int]:
    """The size of each agenda book (unit code, direction, year), checked to run
    1..n without a gap or a duplicate and to end at its counter."""
    with tenant_scope(tenant):
        books: dict[tuple[str, str, int], list[int]] = {}
        for code, direction, year, number in Letter.objects.exclude(
            agenda_number=None
        ).values_list("unit__code", "direction", "agenda_year", "agenda_number"):
            books.setdefault((code, direction, year), []).append(number)
        counters = {
            (c.unit.code, c.direction, c.year): c.last_number
            for c in AgendaCounter.objects.select_related("unit")
        }
    for key, got in books.items():
        assert sorted(got) == list(range(1, len(got) + 1)), key
        assert counters[key] == len(got), key
    return {key: len(got) for key, got in books.items()}


def sign_one_more(o: SimpleNamespace, frozen: Any) -> None:
    letter_sign(
        actor=o.users.kadis,
        draft=approved(o, subject="Sesudah pemulihan"),
        passphrase=PASSPHRASE,
        otp=otp(frozen),
    )


def new_database_name(kind: str) -> str:
    return f"warkat_backup_{kind}_{uuid.uuid4().hex[:10]}"


@contextmanager
def fresh_database(kind: str, owner: str = "") -> Iterator[str]:
    """A new, empty PostgreSQL database of our own, dropped afterwards."""
    name = new_database_name(kind)
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE DATABASE "{name}"' + (f' OWNER "{owner}"' if owner else "")
        )
    try:
        yield name
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def connected_to(name: str = "", user: str = "", password: str = "") -> Iterator[None]:
    """Point the default connection at database ``name`` and/or connect as
    ``user`` for the block."""
    settings_dict = connection.settings_dict
    old = {k: settings_dict[k] for k in ("NAME", "USER", "PASSWORD")}
    connection.close()
    settings_dict.update(
        {k: v for k, v in (("NAME", name), ("USER", user), ("PASSWORD", password)) if v}
    )
    try:
        yield
    finally:
        connection.close()
        settings_dict.update(old)


@contextmanager
def app_role() -> Iterator[tuple[str, str]]:
    """A login role like production's: NOSUPERUSER NOBYPASSRLS, reading every
    table of the test database; dropped afterwards."""
    name = f"warkat_backup_role_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}' "
            "NOSUPERUSER NOBYPASSRLS"
        )
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{name}"')
        cursor.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{name}"')
        cursor.execute(f'GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO "{name}"')
    try:
        yield name, password
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{name}"')
            cursor.execute(f'DROP ROLE "{name}"')


def media_at(settings: Any, root: Path) -> None:
    """Point the default storage at a new local folder (a new storage location)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
