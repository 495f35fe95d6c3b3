"""Demo organisations: Kabupaten Keerom (a full Pemda) and Provinsi Papua (its host).

Built through the real services, idempotently: loading twice finds what exists by
unit/position code and NIP and creates only what is missing. The names are invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.demo.org_chart import (
    OPDS,
    PEOPLE,
    RANK_BY_ESELON,
    SETDA_POSITIONS,
    SETDA_UNITS,
    PositionSpec,
    opd_spec,
)
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.services.assignments import assignment_create
from warkat.org.services.people import person_create
from warkat.org.services.positions import position_create
from warkat.org.services.units import unit_create, unit_root
from warkat.tenancy.models import Tenant


def _nip(index: int, sex: str, rank: str) -> str:
    """A valid PNS NIP; seniors are older with an earlier TMT."""
    senior = rank.startswith("IV")
    year = (1966 if senior else 1978) + (index * 7) % 14
    birth = dt.date(year, 1 + (index * 5) % 12, 1 + (index * 11) % 28)
    tmt_year = year + 24 + index % 4
    return (
        f"{birth:%Y%m%d}{tmt_year:04d}{1 + (index * 3) % 12:02d}"
        f"{1 if sex == 'L' else 2}{index + 1:03d}"
    )


def _unit(tenant: Tenant, code: str, name: str, kind: str, parent: Unit) -> Unit:
    existing = Unit.objects.filter(tenant=tenant, code=code).first()
    return existing or unit_create(
        tenant=tenant, actor=None, parent=parent, kind=kind, name=name, code=code
    )


def _position(
    tenant: Tenant,
    spec: PositionSpec,
    units: dict[str, Unit],
    positions: dict[str, Position],
) -> Position:
    existing = Position.objects.filter(tenant=tenant, code=spec.code).first()
    return existing or position_create(
        tenant=tenant,
        actor=None,
        unit=units[spec.unit],
        name=spec.name,
        code=spec.code,
        category=spec.category,
        eselon=spec.eselon,
        superior=positions[spec.superior] if spec.superior else None,
        is_head=spec.is_head,
    )


def _person(
    tenant: Tenant,
    who: tuple[str, str, str, str],
    *,
    nip: str | None,
    employee_type: str,
    rank: str,
) -> Person:
    name, front, back, sex = who
    existing = (
        Person.objects.filter(tenant=tenant, nip=nip).first()
        if nip
        else Person.objects.filter(
            tenant=tenant, full_name=name, employee_type=employee_type
        ).first()
    )
    return existing or person_create(
        tenant=tenant,
        actor=None,
        full_name=name,
        front_title=front,
        back_title=back,
        employee_type=employee_type,
        nip=nip,
        rank=rank,
        sex=sex if not nip else "",
    )


def _appoint(
    tenant: Tenant, person: Person, position: Position, start: dt.date, number: str
) -> None:
    if not Assignment.objects.filter(person=person, position=position).exists():
        assignment_create(
            tenant=tenant,
            actor=None,
            person=person,
            position=position,
            kind="definitif",
            start_date=start,
            decree_number=number,
            decree_date=start - dt.timedelta(days=7),
        )


def _build(
    tenant: Tenant,
    unit_specs: list[tuple[str, str, str, str]],
    position_specs: list[PositionSpec],
    political: dict[str, tuple[str, str, str, str]],
    people: list[tuple[str, str, str, str]],
) -> dict[str, Any]:
    units: dict[str, Unit] = {"PEMDA": unit_root(tenant=tenant)}
    for code, name, kind, parent in unit_specs:
        units[code] = _unit(tenant, code, name, kind, units[parent])
    positions: dict[str, Position] = {}
    for spec in position_specs:
        positions[spec.key] = _position(tenant, spec, units, positions)
    persons: dict[str, Person] = {}
    pool = iter(enumerate(people))
    for n, spec in enumerate(position_specs):
        if spec.key in political:
            person = _person(
                tenant,
                political[spec.key],
                nip=None,
                employee_type="pejabat_politik",
                rank="",
            )
        else:
            index, who = next(pool)
            rank = spec.rank or RANK_BY_ESELON.get(spec.eselon, "III/b")
            person = _person(
                tenant,
                who,
                nip=_nip(index, who[3], rank),
                employee_type="pns",
                rank=rank,
            )
        persons[spec.key] = person
        start = dt.date(2021 + n % 4, 1 + n % 12, 2)
        _appoint(
            tenant,
            person,
            positions[spec.key],
            start,
            f"821.2/{100 + n}/BKPSDM/{start.year}",
        )
    return {
        "units": {code.lower(): u for code, u in units.items()},
        "positions": positions,
        "people": persons,
    }


@transaction.atomic
def demo_org_load(*, tenant: Tenant) -> dict[str, Any]:
    """Build Kabupaten Keerom's organisation (idempotent); must run in its scope.

    Returns ``{"units": {code.lower(): Unit}, "positions": {key: Position},
    "people": {key: Person}}``. Stable keys include ``bupati``, ``wabup``,
    ``sekda``, ``kabag_umum``, ``kasubbag_tu``, ``tu_setda``, ``kadis_kominfo``,
    ``sekretaris_kominfo``, ``staf_kominfo``, ``staf_kominfo_aptika`` (the
    Pemda's system administrator), and units ``setda``, ``setda.umum``,
    ``diskominfo``…
    """
    unit_specs = list(SETDA_UNITS)
    position_specs = list(SETDA_POSITIONS)
    for opd in OPDS:
        u, p = opd_spec(opd)
        unit_specs += u
        position_specs += p
    # Extra staff so the people list has some depth (about 60 people in all).
    for i, code in enumerate(
        [
            "SETDA.UMUM",
            "DISKOMINFO.APTIKA",
            "DINKES.YANKES",
            "BKPSDM.MUTASI",
            "DISDIKBUD.SD",
            "BAPPEDA.EKO",
        ]
    ):
        head = next(p for p in position_specs if p.unit == code and p.is_head)
        position_specs.append(
            PositionSpec(
                f"pelaksana_{i}",
                f"PELAKSANA.{code}.{i}",
                "Pengelola Data",
                code,
                "pelaksana",
                superior=head.key,
                rank="II/b",
            )
        )
    political = {
        "bupati": ("Yusak Wamafma", "", "S.E., M.Si", "L"),
        "wabup": ("Alfonsina Kiwak", "", "S.Sos", "P"),
    }
    result = _build(tenant, unit_specs, position_specs, political, PEOPLE)
    _plh_kominfo(tenant, result)
    result["people"]["admin"] = result["people"]["staf_kominfo_aptika"]
    return result


def _plh_kominfo(tenant: Tenant, result: dict[str, Any]) -> None:
    """The Kepala Diskominfo is on leave: the Sekretaris is Plh. this week."""
    head = result["positions"]["kadis_kominfo"]
    if Assignment.objects.filter(position=head, kind="plh").exists():
        return
    today = timezone.localdate()
    assignment_create(
        tenant=tenant,
        actor=None,
        person=result["people"]["sekretaris_kominfo"],
        position=head,
        kind="plh",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=6),
        decree_number="800.1.11.1/27/DISKOMINFO",
        decree_date=today - dt.timedelta(days=2),
    )


@transaction.atomic
def demo_province_load(*, tenant: Tenant) -> dict[str, Any]:
    """Provinsi Papua as host tenant: a few units and positions (idempotent)."""
    units = [
        ("SETDA", "Sekretariat Daerah", "setda", "PEMDA"),
        ("SETDA.UMUM", "Biro Umum", "bagian", "SETDA"),
        (
            "DISKOMINFO",
            "Dinas Komunikasi, Informatika, Persandian dan Statistik",
            "dinas",
            "PEMDA",
        ),
        ("BKD", "Badan Kepegawaian Daerah", "badan", "PEMDA"),
    ]
    positions = [
        PositionSpec(
            "gubernur",
            "GUBERNUR",
            "Gubernur Papua",
            "PEMDA",
            "kepala_daerah",
            is_head=True,
        ),
        PositionSpec(
            "sekda",
            "SEKDA",
            "Sekretaris Daerah",
            "SETDA",
            "jpt",
            "I.b",
            "gubernur",
            True,
        ),
        PositionSpec(
            "karo_umum",
            "KARO.UMUM",
            "Kepala Biro Umum",
            "SETDA.UMUM",
            "jpt",
            "II.a",
            "sekda",
            True,
        ),
        PositionSpec(
            "tu_setda",
            "PENGADM.SURAT.SETDA",
            "Pengadministrasi Persuratan",
            "SETDA.UMUM",
            "pelaksana",
            superior="karo_umum",
            rank="II/d",
        ),
        PositionSpec(
            "kadis_kominfo",
            "KADIS.DISKOMINFO",
            "Kepala Dinas Komunikasi, Informatika, Persandian dan Statistik",
            "DISKOMINFO",
            "jpt",
            "II.a",
            "sekda",
            True,
        ),
        PositionSpec(
            "kaban_bkd",
            "KABAN.BKD",
            "Kepala Badan Kepegawaian Daerah",
            "BKD",
            "jpt",
            "II.a",
            "sekda",
            True,
        ),
    ]
    people = [
        ("Fredrik Womsiwor", "", "S.H., M.H", "L"),
        ("Yohanis Rumbino", "", "S.Sos., M.Si", "L"),
        ("Mariana Ireeuw", "", "S.E", "P"),
        ("Agustinus Mano", "", "S.Kom., M.Kom", "L"),
        ("Helena Krey", "", "S.Psi., M.M", "P"),
    ]
    political = {"gubernur": ("Matius Rumbrapuk", "", "S.H., M.Si", "L")}
    return _build(tenant, units, positions, political, people)
