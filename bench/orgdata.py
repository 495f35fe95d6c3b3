"""Generated organisations for benchmarks: OPD trees with bagian/bidang/seksi, positions
with superiors, people with valid NIPs and one definitif assignment each.

Rows are inserted in bulk with ids assigned up front (``bench.bulk``), so materialised
unit paths and position superiors are known before anything is written.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from bench.bulk import insert_objects, next_id
from warkat.audit.services import audit_record
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

OPD_NAMES: tuple[tuple[str, str, str], ...] = (
    ("dinas", "DISDIKBUD", "Dinas Pendidikan dan Kebudayaan"),
    ("dinas", "DINKES", "Dinas Kesehatan"),
    ("dinas", "DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("dinas", "DISPERKIM", "Dinas Perumahan dan Kawasan Permukiman"),
    ("dinas", "DINSOS", "Dinas Sosial"),
    ("dinas", "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("dinas", "DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("dinas", "DISHUB", "Dinas Perhubungan"),
    ("dinas", "DLH", "Dinas Lingkungan Hidup"),
    ("dinas", "DISTAN", "Dinas Pertanian"),
    ("dinas", "DISKAN", "Dinas Perikanan"),
    ("dinas", "DISKOPUKM", "Dinas Koperasi dan Usaha Kecil Menengah"),
    ("dinas", "DPMPTSP", "Dinas Penanaman Modal dan PTSP"),
    ("dinas", "DISPAR", "Dinas Pariwisata"),
    ("dinas", "DISPORA", "Dinas Pemuda dan Olahraga"),
    ("dinas", "DISPUSIP", "Dinas Perpustakaan dan Kearsipan"),
    ("dinas", "DISNAKER", "Dinas Tenaga Kerja"),
    ("dinas", "DPMK", "Dinas Pemberdayaan Masyarakat dan Kampung"),
    ("dinas", "DP3A", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"),
    ("dinas", "DPPKB", "Dinas Pengendalian Penduduk dan Keluarga Berencana"),
    ("dinas", "DKP", "Dinas Ketahanan Pangan"),
    ("dinas", "DISPERINDAG", "Dinas Perindustrian dan Perdagangan"),
    ("dinas", "SATPOLPP", "Satuan Polisi Pamong Praja"),
    ("dinas", "DAMKAR", "Dinas Pemadam Kebakaran"),
    ("badan", "BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("badan", "BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    ("badan", "BAPENDA", "Badan Pendapatan Daerah"),
    ("badan", "BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("badan", "BPBD", "Badan Penanggulangan Bencana Daerah"),
    ("badan", "KESBANGPOL", "Badan Kesatuan Bangsa dan Politik"),
    ("inspektorat", "INSPEKTORAT", "Inspektorat"),
    ("setwan", "SETWAN", "Sekretariat DPRD"),
)
SETDA_BAGIAN = ("Umum", "Hukum", "Organisasi", "Tata Pemerintahan", "Perekonomian")
SUBBAG_SEKRETARIAT = (
    "Umum dan Kepegawaian",
    "Keuangan",
    "Perencanaan dan Pelaporan",
)
BIDANG = ("Pelayanan", "Pembinaan", "Pengembangan", "Pengendalian")
SEKSI = ("Perencanaan Teknis", "Pelaksanaan", "Evaluasi")
STAFF_JOBS = (
    ("pelaksana", "Pengadministrasi Umum"),
    ("pelaksana", "Pengelola Data"),
    ("pelaksana", "Pengelola Keuangan"),
    ("pelaksana", "Pengadministrasi Persuratan"),
    ("fungsional", "Analis Kebijakan Ahli Muda"),
    ("fungsional", "Pranata Komputer Ahli Pertama"),
    ("fungsional", "Arsiparis Terampil"),
    ("pelaksana", "Pengemudi"),
)
MALE = (
    "Yohanes", "Markus", "Petrus", "Yakobus", "Agus", "Budi", "Hendrik", "Daniel",
    "Simon", "Frans", "Yosep", "Rudi", "Andreas", "Eko", "Ahmad", "Yulius",
    "Benny", "Otto", "Melkias", "Nikolas", "Robert", "Stefanus", "Wempi", "Dedi",
)  # fmt: skip
FEMALE = (
    "Maria", "Yuliana", "Ester", "Martha", "Siti", "Dewi", "Rina", "Agustina",
    "Fransiska", "Lusia", "Debora", "Yohana", "Sri", "Novita", "Ruth", "Magdalena",
    "Susana", "Theresia", "Wati", "Elisabeth", "Rahel", "Priska", "Nur", "Ani",
)  # fmt: skip
SURNAMES = (
    "Yikwa", "Wenda", "Tabuni", "Kogoya", "Mirin", "Wonda", "Gobai", "Pigai",
    "Rumbiak", "Rumbewas", "Kareth", "Mandowen", "Waromi", "Ayomi", "Itaar",
    "Kaisiepo", "Sawaki", "Krey", "Borotian", "Fatem", "Siregar", "Nasution",
    "Simanjuntak", "Pratama", "Wijaya", "Santoso", "Saputra", "Lestari", "Manurung",
    "Rahman", "Hidayat", "Kurniawan", "Setiawan", "Nugroho", "Tanjung", "Laturette",
)  # fmt: skip
DEGREES = ("S.Sos", "S.E.", "S.Kom", "S.H.", "S.T.", "S.Pd", "S.IP", "S.AP")
MASTERS = ("M.Si", "M.M.", "M.AP", "M.Kes", "M.T.")


@dataclass
class OrgPlan:
    """What ``org_generate`` builds, before it is written."""

    units: list[Unit] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    # Positions in the order people fill them: top of the hierarchy first.
    fill_order: list[Position] = field(default_factory=list)


@dataclass(frozen=True)
class OrgSummary:
    tenant: Tenant
    units: int
    positions: int
    people: int
    assignments: int


class _Ids:
    def __init__(self, model: type) -> None:
        self._next = next_id(model)

    def take(self) -> int:
        value = self._next
        self._next += 1
        return value


class _Planner:
    """Builds the unit tree and positions with explicit ids and paths."""

    def __init__(self, tenant: Tenant, root: Unit) -> None:
        self.tenant = tenant
        self.root = root
        self.unit_ids = _Ids(Unit)
        self.position_ids = _Ids(Position)
        self.plan = OrgPlan()
        self.leaves: list[Unit] = []
        # Rank of each structural position in the fill order (lower = filled first).
        self._tiers: dict[int, int] = {}

    def unit(self, parent: Unit, kind: str, code: str, name: str) -> Unit:
        pk = self.unit_ids.take()
        unit = Unit(
            pk=pk,
            tenant=self.tenant,
            parent=parent,
            kind=kind,
            code=code,
            name=name,
            path=f"{parent.path}{pk}/",
            depth=parent.depth + 1,
        )
        self.plan.units.append(unit)
        return unit

    def position(
        self,
        unit: Unit,
        *,
        code: str,
        name: str,
        category: str,
        eselon: str = "",
        superior: Position | None = None,
        head: bool = False,
        tier: int = 9,
    ) -> Position:
        position = Position(
            pk=self.position_ids.take(),
            tenant=self.tenant,
            unit=unit,
            code=code,
            name=name,
            category=category,
            eselon=eselon,
            superior=superior,
            is_head=head,
        )
        self.plan.positions.append(position)
        self._tiers[position.pk] = tier
        return position

    def head(
        self,
        unit: Unit,
        title: str,
        category: str,
        eselon: str,
        superior: Position | None,
        tier: int,
    ) -> Position:
        return self.position(
            unit,
            code=f"{unit.code}.KEPALA",
            name=f"{title} {unit.name}".strip(),
            category=category,
            eselon=eselon,
            superior=superior,
            head=True,
            tier=tier,
        )

    def build(
        self, *, people: int, opd_count: int, head: Position | None = None
    ) -> OrgPlan:
        root = self.root
        bupati = head or self.position(
            root,
            code="BUPATI",
            name="Bupati",
            category="kepala_daerah",
            head=True,
            tier=0,
        )
        setda = self.unit(root, "setda", "SETDA", "Sekretariat Daerah")
        sekda = self.head(setda, "Sekretaris Daerah", "jpt", "II.a", bupati, 1)
        sekda.name = "Sekretaris Daerah"
        for i, name in enumerate(SETDA_BAGIAN, 1):
            bagian = self.unit(setda, "bagian", f"SETDA.B{i}", f"Bagian {name}")
            kabag = self.head(bagian, "Kepala", "administrator", "III.a", sekda, 3)
            for j in range(1, 3):
                sub = self.unit(
                    bagian,
                    "subbagian",
                    f"SETDA.B{i}.S{j}",
                    f"Subbagian {name} {j}",
                )
                self.head(sub, "Kepala", "pengawas", "IV.a", kabag, 4)
                self.leaves.append(sub)
        for k, (kind, code, name) in enumerate(OPD_NAMES[:opd_count], 1):
            opd = self.unit(root, kind, code, name)
            title = "Inspektur" if kind == "inspektorat" else "Kepala"
            if kind == "setwan":
                title = "Sekretaris"
            kepala = self.head(opd, title, "jpt", "II.b", sekda, 2)
            if kind == "inspektorat":
                kepala.name = "Inspektur"
            sek = self.unit(opd, "sekretariat", f"{code}.SEK", f"Sekretariat {name}")
            sekretaris = self.head(
                sek, "Sekretaris", "administrator", "III.a", kepala, 3
            )
            sekretaris.name = f"Sekretaris {name}"
            for j, sub_name in enumerate(SUBBAG_SEKRETARIAT, 1):
                sub = self.unit(
                    sek, "subbagian", f"{code}.SEK.S{j}", f"Subbagian {sub_name}"
                )
                self.head(sub, "Kepala", "pengawas", "IV.a", sekretaris, 4)
                self.leaves.append(sub)
            for b, bidang_name in enumerate(BIDANG, 1):
                bidang = self.unit(
                    opd, "bidang", f"{code}.B{b}", f"Bidang {bidang_name} {k}"
                )
                kabid = self.head(bidang, "Kepala", "administrator", "III.b", kepala, 3)
                for s, seksi_name in enumerate(SEKSI, 1):
                    seksi = self.unit(
                        bidang,
                        "seksi",
                        f"{code}.B{b}.S{s}",
                        f"Seksi {seksi_name} {bidang_name}",
                    )
                    self.head(seksi, "Kepala", "pengawas", "IV.a", kabid, 4)
                    self.leaves.append(seksi)
        for district in Unit.objects.filter(kind="kecamatan").order_by("code"):
            title = "Kepala" if district.name.startswith("Distrik") else "Camat"
            camat = self.head(district, title, "administrator", "III.a", sekda, 2)
            if title == "Camat":
                camat.name = district.name.replace("Kecamatan", "Camat", 1)
            self.leaves.append(district)
        structural = list(self.plan.positions)
        heads_by_unit = {p.unit_id: p for p in structural if p.is_head}
        for n in range(max(0, people - len(structural))):
            leaf = self.leaves[n % len(self.leaves)]
            category, job = STAFF_JOBS[n % len(STAFF_JOBS)]
            self.position(
                leaf,
                code=f"{leaf.code}.STAF{n // len(self.leaves) + 1}",
                name=f"{job} {leaf.name}",
                category=category,
                superior=heads_by_unit[leaf.pk],
                tier=5,
            )
        self.plan.fill_order = sorted(
            self.plan.positions, key=lambda p: (self._tiers[p.pk], p.pk)
        )
        return self.plan


_RANKS = {
    "jpt": ("IV/c", "IV/d"),
    "administrator": ("IV/a", "IV/b"),
    "pengawas": ("III/c", "III/d"),
    "fungsional": ("III/a", "III/b", "III/c"),
    "pelaksana": ("II/c", "II/d", "III/a", "III/b"),
}


class _People:
    """People with unique, structurally valid NIPs."""

    def __init__(self, tenant: Tenant, rng: random.Random, today: dt.date) -> None:
        self.tenant = tenant
        self.rng = rng
        self.today = today
        self.ids = _Ids(Person)
        self.nips: set[str] = set(
            Person.objects.exclude(nip=None).values_list("nip", flat=True)
        )

    def _nip(self, birth: dt.date, tmt: dt.date, sex: str, pppk: bool) -> str:
        sex_digit = "1" if sex == "L" else "2"
        while True:
            serial = self.rng.randint(1, 999)
            # PPPK: TMT year, the PPPK marker 2 and the appointment count.
            middle = f"{tmt:%Y}2{self.rng.randint(1, 3)}" if pppk else f"{tmt:%Y%m}"
            nip = f"{birth:%Y%m%d}{middle}{sex_digit}{serial:03d}"
            if nip not in self.nips:
                self.nips.add(nip)
                return nip

    def make(self, position: Position) -> Person:
        rng = self.rng
        sex = rng.choice("LP")
        first = rng.choice(MALE if sex == "L" else FEMALE)
        full_name = f"{first} {rng.choice(SURNAMES)}"
        if position.category == "kepala_daerah":
            return Person(
                pk=self.ids.take(),
                tenant=self.tenant,
                full_name=full_name,
                employee_type="pejabat_politik",
                sex=sex,
            )
        senior = position.category in {"jpt", "administrator"}
        age = rng.randint(45, 57) if senior else rng.randint(22, 56)
        birth = dt.date(self.today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        pppk = position.category in {"pelaksana", "fungsional"} and rng.random() < 0.15
        service_years = rng.randint(0, max(0, age - 21))
        tmt_year = min(self.today.year - 1, birth.year + 21 + service_years)
        tmt = dt.date(tmt_year, 1 if pppk else rng.randint(1, 12), 1)
        if pppk:
            rank = rng.choice(("V", "VII", "IX"))
        else:
            rank = rng.choice(_RANKS[position.category])
        back = rng.choice(DEGREES) if senior or rng.random() < 0.5 else ""
        if senior and rng.random() < 0.6:
            back = f"{back}, {rng.choice(MASTERS)}"
        return Person(
            pk=self.ids.take(),
            tenant=self.tenant,
            full_name=full_name,
            back_title=back,
            nip=self._nip(birth, tmt, sex, pppk),
            employee_type="pppk" if pppk else "pns",
            rank=rank,
            sex=sex,
            birth_date=birth,
        )


def opd_count_for(people: int) -> int:
    """Enough OPDs that a few hundred people work in each (all of them at 5,000)."""
    return max(2, min(len(OPD_NAMES), people // 150))


@transaction.atomic
def org_generate(
    *, tenant: Tenant, people: int, seed: int = 0, head: Position | None = None
) -> OrgSummary:
    """Build an organisation of ``people`` people in ``tenant`` (which must have only
    the units ``tenant_create`` made, or, given the existing kepala daerah's ``head``
    position, no unit coded like a generated one). Every position gets a definitif holder while
    people last; remaining structural positions stay vacant."""
    rng = random.Random(f"{seed}:{tenant.region_code}")
    today = timezone.localdate()
    with tenant_scope(tenant):
        root = Unit.objects.get(kind="pemda", parent=None)
        planner = _Planner(tenant, root)
        plan = planner.build(people=people, opd_count=opd_count_for(people), head=head)
        makers = _People(tenant, rng, today)
        persons: list[Person] = []
        assignments: list[Assignment] = []
        assignment_ids = _Ids(Assignment)
        for position in plan.fill_order[:people]:
            person = makers.make(position)
            persons.append(person)
            start = dt.date(today.year - rng.randint(0, 4), rng.randint(1, 12), 1)
            start = min(start, today)
            assignments.append(
                Assignment(
                    pk=assignment_ids.take(),
                    tenant=tenant,
                    person=person,
                    position=position,
                    kind="definitif",
                    start_date=start,
                    decree_number=f"821.2/{person.pk}/BKPSDM/{start.year}",
                    decree_date=start,
                )
            )
        # Parents and superiors come before their children in each list, and
        # foreign keys are checked at commit on PostgreSQL anyway.
        insert_objects(Unit, plan.units)
        insert_objects(Position, plan.positions)
        insert_objects(Person, persons)
        insert_objects(Assignment, assignments)
        audit_record(
            tenant=tenant,
            actor=None,
            action="bench.generate",
            obj=tenant,
            data={
                "units": len(plan.units),
                "positions": len(plan.positions),
                "people": len(persons),
            },
        )
    return OrgSummary(
        tenant=tenant,
        units=len(plan.units),
        positions=len(plan.positions),
        people=len(persons),
        assignments=len(assignments),
    )
