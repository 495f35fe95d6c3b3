"""Test helpers building organisation data through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from warkat.accounts.models import User, UserRole
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.services.assignments import assignment_create
from warkat.org.services.people import person_create
from warkat.org.services.positions import position_create
from warkat.org.services.units import unit_create, unit_root
from warkat.tenancy.models import Tenant

_seq = itertools.count(1)


def nip_pns(
    birth: dt.date = dt.date(1980, 5, 17),
    tmt: tuple[int, int] = (2005, 3),
    sex: int = 1,
    serial: int | None = None,
) -> str:
    serial = serial if serial is not None else next(_seq) % 999 + 1
    return f"{birth:%Y%m%d}{tmt[0]:04d}{tmt[1]:02d}{sex}{serial:03d}"


def nip_pppk(
    birth: dt.date = dt.date(1990, 1, 2),
    year: int = 2021,
    freq: int = 1,
    sex: int = 2,
    serial: int = 1,
) -> str:
    return f"{birth:%Y%m%d}{year:04d}2{freq}{sex}{serial:03d}"


def unit(tenant: Tenant, parent: Unit | None = None, **kw: Any) -> Unit:
    n = next(_seq)
    if parent is None:
        parent = unit_root(tenant=tenant)
    kw.setdefault("kind", "dinas")
    kw.setdefault("name", f"Dinas Uji {n}")
    kw.setdefault("code", f"U{n}")
    return unit_create(tenant=tenant, actor=None, parent=parent, **kw)


def position(tenant: Tenant, unit_: Unit | None = None, **kw: Any) -> Position:
    n = next(_seq)
    kw.setdefault("name", f"Jabatan Uji {n}")
    kw.setdefault("code", f"P{n}")
    kw.setdefault("category", "pelaksana")
    return position_create(tenant=tenant, actor=None, unit=unit_ or unit(tenant), **kw)


def person(tenant: Tenant, **kw: Any) -> Person:
    n = next(_seq)
    kw.setdefault("full_name", f"Pegawai Uji {n}")
    kw.setdefault("employee_type", "pns")
    if kw["employee_type"] == "pns":
        kw.setdefault("nip", nip_pns(serial=n % 999 + 1, tmt=(2000 + n % 20, 1)))
    return person_create(tenant=tenant, actor=None, **kw)


def assignment(
    tenant: Tenant, person_: Person, position_: Position, **kw: Any
) -> Assignment:
    kw.setdefault("kind", "definitif")
    kw.setdefault("start_date", dt.date(2024, 1, 1))
    return assignment_create(
        tenant=tenant, actor=None, person=person_, position=position_, **kw
    )


def user(
    tenant: Tenant,
    *roles: str,
    unit_: Unit | None = None,
    person_: Person | None = None,
    username: str | None = None,
) -> User:
    """A user of ``tenant`` holding ``roles`` (unit-bound roles on ``unit_``)."""
    u = User.objects.create_user(
        username=username or f"user{next(_seq)}",
        password="x-Pass-12345",
        tenant=tenant,
        person=person_,
    )
    for role in roles:
        UserRole.objects.create(tenant=tenant, user=u, role=role, unit=unit_)
    return u
