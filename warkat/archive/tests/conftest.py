"""Fixtures of the archive tests: the letters tests' organisation, media and time,
plus a records centre, its staff, the appraisal committee and old letters."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.archive.services.setup import archive_settings_update
from warkat.letters.tests.conftest import frozen, media, o
from warkat.letters.tests.factories import leaf_code, register
from warkat.org.tests import factories as org

__all__ = ["arc", "frozen", "media", "o"]


@pytest.fixture
def arc(o: SimpleNamespace) -> SimpleNamespace:
    """``o`` plus the Bagian Umum as records centre (its head ``kabag_umum``, its TU
    ``arsiparis``), the Bupati approving, Sekda (chair) and Kadinkes appraising."""
    umum = org.unit(o.tenant, o.root, kind="bagian", name="Bagian Umum", code="UMUM")
    head = org.position(
        o.tenant,
        umum,
        name="Kepala Bagian Umum",
        category="administrator",
        superior=o.pos.sekda,
        is_head=True,
    )
    clerk = org.position(
        o.tenant, umum, name="Arsiparis", category="fungsional", superior=head
    )
    for key, pos, roles, unit in (
        ("kabag_umum", head, (), None),
        ("arsiparis", clerk, ("tu",), umum),
    ):
        person = org.person(
            o.tenant, full_name=f"{pos.name} Orang", email=f"{key}@keerom.invalid"
        )
        org.assignment(o.tenant, person, pos, start_date=dt.date(2020, 1, 1))
        setattr(o.people, key, person)
        setattr(
            o.users,
            key,
            org.user(o.tenant, *roles, unit_=unit, person_=person, username=key),
        )
        setattr(o.pos, key, pos)
    archive_settings_update(
        tenant=o.tenant,
        actor=o.users.admin,
        records_unit=umum,
        records_head=head,
        approver=o.pos.bupati,
        regional_archive="Dinas Perpustakaan dan Arsip Papua",
        committee=[(o.pos.sekda, "chair"), (o.pos.kadinkes, "member")],
    )
    o.umum = umum
    return o


def old_letter(o: SimpleNamespace, year: int, code: str = "000.1.1", **kw: Any) -> Any:
    """An incoming letter received in ``year`` (000.1.1: 1 year active, 1 inactive,
    musnah)."""
    day = dt.date(year, 6, 2)
    return register(
        o,
        received_date=day,
        letter_date=day - dt.timedelta(days=3),
        classification=leaf_code(code),
        **kw,
    )
