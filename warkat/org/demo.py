"""Demo organisations: Kabupaten Keerom (a full Pemda) and Provinsi Papua (its host).

Built through the real services, idempotently: loading twice finds what exists by
unit/position code and NIP and creates only what is missing. The names are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.services.assignments import assignment_create
from warkat.org.services.people import person_create
from warkat.org.services.positions import position_create
from warkat.org.services.units import unit_create, unit_root
from warkat.tenancy.models import Tenant

# (key, full name, front title, back title, sex "L"/"P")
_Who = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class _Pos:
    key: str
    code: str
    name: str
    unit: str  # unit code
    category: str
    eselon: str = ""
    superior: str | None = None  # position key
    is_head: bool = False
    rank: str = ""


_RANK_BY_ESELON = {
    "I.b": "IV/e",
    "II.a": "IV/d",
    "II.b": "IV/c",
    "III.a": "IV/b",
    "III.b": "IV/a",
    "IV.a": "III/d",
}

# Invented people: Papuan and other Indonesian names, with gelar.
_PEOPLE: list[tuple[str, str, str, str]] = [
    ("Yosias Wamafma", "", "S.Sos., M.Si", "L"),
    ("Martha Kogoya", "", "S.H.", "P"),
    ("Benyamin Arobaya", "Drs.", "M.Si", "L"),
    ("Agustina Mandowen", "", "S.E., M.M", "P"),
    ("Hendrikus Yaboisembut", "", "S.IP", "L"),
    ("Ruth Waromi", "", "S.H., M.H", "P"),
    ("Yulius Rumbiak", "", "S.Sos", "L"),
    ("Fransina Awom", "", "S.AP", "P"),
    ("Daniel Tanawani", "", "A.Md", "L"),
    ("Lusiana Kaisiepo", "", "", "P"),
    ("Yakobus Kimber", "", "S.Kom., M.T", "L"),
    ("Margaretha Ayomi", "", "S.Sos", "P"),
    ("Markus Wonda", "", "S.T", "L"),
    ("Novita Sari Nainggolan", "", "S.Kom", "P"),
    ("Elias Itlay", "", "S.Kom", "L"),
    ("Dewi Lestari Siregar", "", "S.I.Kom", "P"),
    ("Oktovianus Mirin", "", "", "L"),
    ("Rahmat Hidayat", "", "S.Si, M.Stat", "L"),
    ("Wilhelmina Numberi", "", "A.Md.Kom", "P"),
    ("Arnold Kaize", "", "", "L"),
    ("Maria Yikwa", "dr.", "M.Kes", "P"),
    ("Stevanus Rumaropen", "", "S.KM., M.Kes", "L"),
    ("Ni Made Ayu Lestari", "dr.", "", "P"),
    ("Yohanes Dimara", "", "S.Kep., Ns", "L"),
    ("Siti Nurhaliza", "", "S.Farm., Apt", "P"),
    ("Petrus Kambu", "", "S.KM", "L"),
    ("Debora Sawaki", "", "A.Md.Keb", "P"),
    ("Ismail Rumagesan", "", "", "L"),
    ("Paulus Waisimon", "", "S.Sos., M.Si", "L"),
    ("Sarah Tabuni", "", "S.Psi", "P"),
    ("Agus Salim Ohoiwutun", "", "S.E", "L"),
    ("Linda Rumkorem", "", "S.H", "P"),
    ("Bambang Prasetyo", "", "S.AP", "L"),
    ("Kristina Ansaka", "", "", "P"),
    ("Zakeus Tabuni", "", "S.Pd., M.Pd", "L"),
    ("Yuliana Boseren", "", "S.Pd", "P"),
    ("Imanuel Wenda", "", "S.Pd", "L"),
    ("Theresia Marey", "", "S.Pd", "P"),
    ("Andi Saputra", "", "S.Pd", "L"),
    ("Naomi Rumere", "", "", "P"),
    ("Robert Manufandu", "Ir.", "M.T", "L"),
    ("Elisabeth Wanggai", "", "S.E., M.Si", "P"),
    ("Musa Yoku", "", "S.T", "L"),
    ("Putri Ramadhani", "", "S.E", "P"),
    ("Herman Ronsumbre", "", "S.P", "L"),
    ("Febiola Msen", "", "A.Md", "P"),
    ("Aprianus Giay", "", "S.H", "L"),
    ("Regina Fonataba", "", "S.Sos", "P"),
    ("Musa Fakdawer", "", "", "L"),
    ("Anita Wattimena", "", "S.Kom", "P"),
    ("Kornelis Yarangga", "", "S.Sos", "L"),
    ("Rina Marlina Pasaribu", "", "S.E", "P"),
    ("Obed Korwa", "", "", "L"),
    ("Veronika Ap", "", "S.AP", "P"),
    ("Simon Rumbewas", "", "S.Sos", "L"),
    ("Ester Yoteni", "", "", "P"),
    ("Lukas Enembe Sineri", "", "S.IP, M.Si", "L"),
    ("Yohana Kafiar", "", "S.Sos", "P"),
    ("Nikolas Rumsarwir", "", "A.Md", "L"),
]

_OPDS: list[dict[str, Any]] = [
    {
        "code": "DISKOMINFO",
        "key": "kominfo",
        "kind": "dinas",
        "name": "Dinas Komunikasi dan Informatika",
        "head": "Kepala Dinas Komunikasi dan Informatika",
        "bidang": [
            ("APTIKA", "Bidang Aplikasi Informatika"),
            ("IKP", "Bidang Informasi dan Komunikasi Publik"),
            ("SANDI", "Bidang Persandian dan Statistik"),
        ],
    },
    {
        "code": "DINKES",
        "key": "dinkes",
        "kind": "dinas",
        "name": "Dinas Kesehatan",
        "head": "Kepala Dinas Kesehatan",
        "bidang": [
            ("YANKES", "Bidang Pelayanan Kesehatan"),
            ("P2P", "Bidang Pencegahan dan Pengendalian Penyakit"),
        ],
    },
    {
        "code": "BKPSDM",
        "key": "bkpsdm",
        "kind": "badan",
        "name": "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "head": "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "bidang": [
            ("MUTASI", "Bidang Mutasi dan Promosi"),
            ("BANGKOM", "Bidang Pengembangan Kompetensi Aparatur"),
        ],
    },
    {
        "code": "DISDIKBUD",
        "key": "disdik",
        "kind": "dinas",
        "name": "Dinas Pendidikan dan Kebudayaan",
        "head": "Kepala Dinas Pendidikan dan Kebudayaan",
        "bidang": [
            ("SD", "Bidang Pembinaan Sekolah Dasar"),
            ("PAUD", "Bidang Pendidikan Anak Usia Dini dan Nonformal"),
        ],
    },
    {
        "code": "BAPPEDA",
        "key": "bappeda",
        "kind": "badan",
        "name": "Badan Perencanaan Pembangunan Daerah",
        "head": "Kepala Badan Perencanaan Pembangunan Daerah",
        "bidang": [
            ("EKO", "Bidang Perencanaan Ekonomi"),
            ("INFRA", "Bidang Infrastruktur dan Kewilayahan"),
        ],
    },
]

_SETDA_UNITS = [
    # code, name, kind, parent code
    ("SETDA", "Sekretariat Daerah", "setda", "PEMDA"),
    ("SETDA.AS1", "Asisten Pemerintahan dan Kesejahteraan Rakyat", "asisten", "SETDA"),
    ("SETDA.AS3", "Asisten Administrasi Umum", "asisten", "SETDA"),
    ("SETDA.PEM", "Bagian Pemerintahan", "bagian", "SETDA.AS1"),
    ("SETDA.HK", "Bagian Hukum", "bagian", "SETDA.AS1"),
    ("SETDA.UMUM", "Bagian Umum", "bagian", "SETDA.AS3"),
    ("SETDA.ORG", "Bagian Organisasi", "bagian", "SETDA.AS3"),
    ("SETDA.UMUM.TU", "Subbagian Tata Usaha Pimpinan", "subbagian", "SETDA.UMUM"),
]

_SETDA_POSITIONS = [
    _Pos("bupati", "BUPATI", "Bupati Keerom", "PEMDA", "kepala_daerah", is_head=True),
    _Pos(
        "wabup",
        "WABUP",
        "Wakil Bupati Keerom",
        "PEMDA",
        "kepala_daerah",
        superior="bupati",
    ),
    _Pos("sekda", "SEKDA", "Sekretaris Daerah", "SETDA", "jpt", "II.a", "bupati", True),
    _Pos(
        "asisten1",
        "ASISTEN1",
        "Asisten Pemerintahan dan Kesejahteraan Rakyat",
        "SETDA.AS1",
        "jpt",
        "II.b",
        "sekda",
        True,
    ),
    _Pos(
        "asisten3",
        "ASISTEN3",
        "Asisten Administrasi Umum",
        "SETDA.AS3",
        "jpt",
        "II.b",
        "sekda",
        True,
    ),
    _Pos(
        "kabag_pem",
        "KABAG.PEM",
        "Kepala Bagian Pemerintahan",
        "SETDA.PEM",
        "administrator",
        "III.a",
        "asisten1",
        True,
    ),
    _Pos(
        "kabag_hukum",
        "KABAG.HK",
        "Kepala Bagian Hukum",
        "SETDA.HK",
        "administrator",
        "III.a",
        "asisten1",
        True,
    ),
    _Pos(
        "kabag_umum",
        "KABAG.UMUM",
        "Kepala Bagian Umum",
        "SETDA.UMUM",
        "administrator",
        "III.a",
        "asisten3",
        True,
    ),
    _Pos(
        "kabag_org",
        "KABAG.ORG",
        "Kepala Bagian Organisasi",
        "SETDA.ORG",
        "administrator",
        "III.a",
        "asisten3",
        True,
    ),
    _Pos(
        "kasubbag_tu",
        "KASUBBAG.TU.SETDA",
        "Kepala Subbagian Tata Usaha Pimpinan",
        "SETDA.UMUM.TU",
        "pengawas",
        "IV.a",
        "kabag_umum",
        True,
    ),
    _Pos(
        "tu_setda",
        "PENGADM.SURAT.SETDA",
        "Pengadministrasi Persuratan",
        "SETDA.UMUM.TU",
        "pelaksana",
        superior="kasubbag_tu",
        rank="II/d",
    ),
    _Pos(
        "arsiparis_setda",
        "ARSIPARIS.SETDA",
        "Arsiparis Pelaksana",
        "SETDA.UMUM.TU",
        "fungsional",
        superior="kasubbag_tu",
        rank="III/a",
    ),
    _Pos(
        "staf_hukum",
        "ANALIS.HUKUM",
        "Analis Hukum",
        "SETDA.HK",
        "pelaksana",
        superior="kabag_hukum",
        rank="III/a",
    ),
]


def _opd_spec(
    opd: dict[str, Any],
) -> tuple[list[tuple[str, str, str, str]], list[_Pos]]:
    """Units and positions of one OPD: head, sekretariat with subbag umum, bidang
    with their kepala and staff."""
    code, key = opd["code"], opd["key"]
    units = [
        (code, opd["name"], opd["kind"], "PEMDA"),
        (f"{code}.SEK", "Sekretariat", "sekretariat", code),
        (
            f"{code}.SEK.UMUM",
            "Subbagian Umum dan Kepegawaian",
            "subbagian",
            f"{code}.SEK",
        ),
    ]
    positions = [
        _Pos(
            f"kadis_{key}",
            f"KADIS.{code}",
            opd["head"],
            code,
            "jpt",
            "II.b",
            "sekda",
            True,
        ),
        _Pos(
            f"sekretaris_{key}",
            f"SEK.{code}",
            "Sekretaris",
            f"{code}.SEK",
            "administrator",
            "III.a",
            f"kadis_{key}",
            True,
        ),
        _Pos(
            f"kasubbag_umum_{key}",
            f"KASUBBAG.UMUM.{code}",
            "Kepala Subbagian Umum dan Kepegawaian",
            f"{code}.SEK.UMUM",
            "pengawas",
            "IV.a",
            f"sekretaris_{key}",
            True,
        ),
        _Pos(
            f"staf_{key}",
            f"STAF.UMUM.{code}",
            "Pengadministrasi Umum",
            f"{code}.SEK.UMUM",
            "pelaksana",
            superior=f"kasubbag_umum_{key}",
            rank="II/c",
        ),
    ]
    for short, name in opd["bidang"]:
        ucode = f"{code}.{short}"
        units.append((ucode, name, "bidang", code))
        kabid = f"kabid_{key}_{short.lower()}"
        positions.append(
            _Pos(
                kabid,
                f"KABID.{ucode}",
                f"Kepala {name}",
                ucode,
                "administrator",
                "III.b",
                f"kadis_{key}",
                True,
            )
        )
        positions.append(
            _Pos(
                f"staf_{key}_{short.lower()}",
                f"STAF.{ucode}",
                "Analis Kebijakan" if short != "APTIKA" else "Pranata Komputer",
                ucode,
                "pelaksana" if short != "APTIKA" else "fungsional",
                superior=kabid,
                rank="III/a",
            )
        )
    return units, positions


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
    tenant: Tenant, spec: _Pos, units: dict[str, Unit], positions: dict[str, Position]
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
    position_specs: list[_Pos],
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
            rank = spec.rank or _RANK_BY_ESELON.get(spec.eselon, "III/b")
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
    unit_specs = list(_SETDA_UNITS)
    position_specs = list(_SETDA_POSITIONS)
    for opd in _OPDS:
        u, p = _opd_spec(opd)
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
            _Pos(
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
    result = _build(tenant, unit_specs, position_specs, political, _PEOPLE)
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
        _Pos(
            "gubernur",
            "GUBERNUR",
            "Gubernur Papua",
            "PEMDA",
            "kepala_daerah",
            is_head=True,
        ),
        _Pos(
            "sekda",
            "SEKDA",
            "Sekretaris Daerah",
            "SETDA",
            "jpt",
            "I.b",
            "gubernur",
            True,
        ),
        _Pos(
            "karo_umum",
            "KARO.UMUM",
            "Kepala Biro Umum",
            "SETDA.UMUM",
            "jpt",
            "II.a",
            "sekda",
            True,
        ),
        _Pos(
            "tu_setda",
            "PENGADM.SURAT.SETDA",
            "Pengadministrasi Persuratan",
            "SETDA.UMUM",
            "pelaksana",
            superior="karo_umum",
            rank="II/d",
        ),
        _Pos(
            "kadis_kominfo",
            "KADIS.DISKOMINFO",
            "Kepala Dinas Komunikasi, Informatika, Persandian dan Statistik",
            "DISKOMINFO",
            "jpt",
            "II.a",
            "sekda",
            True,
        ),
        _Pos(
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
