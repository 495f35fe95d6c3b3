"""The demo organisation chart of Kabupaten Keerom and Provinsi Papua, as data: the
Setda, the OPD with their bidang, the positions with their echelons and superiors,
and the invented people who hold them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# (key, full name, front title, back title, sex "L"/"P")
Who = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class PositionSpec:
    key: str
    code: str
    name: str
    unit: str  # unit code
    category: str
    eselon: str = ""
    superior: str | None = None  # position key
    is_head: bool = False
    rank: str = ""


RANK_BY_ESELON = {
    "I.b": "IV/e",
    "II.a": "IV/d",
    "II.b": "IV/c",
    "III.a": "IV/b",
    "III.b": "IV/a",
    "IV.a": "III/d",
}

# Invented people: Papuan and other Indonesian names, with gelar.
PEOPLE: list[tuple[str, str, str, str]] = [
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

OPDS: list[dict[str, Any]] = [
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

SETDA_UNITS = [
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

SETDA_POSITIONS = [
    PositionSpec(
        "bupati", "BUPATI", "Bupati Keerom", "PEMDA", "kepala_daerah", is_head=True
    ),
    PositionSpec(
        "wabup",
        "WABUP",
        "Wakil Bupati Keerom",
        "PEMDA",
        "kepala_daerah",
        superior="bupati",
    ),
    PositionSpec(
        "sekda", "SEKDA", "Sekretaris Daerah", "SETDA", "jpt", "II.a", "bupati", True
    ),
    PositionSpec(
        "asisten1",
        "ASISTEN1",
        "Asisten Pemerintahan dan Kesejahteraan Rakyat",
        "SETDA.AS1",
        "jpt",
        "II.b",
        "sekda",
        True,
    ),
    PositionSpec(
        "asisten3",
        "ASISTEN3",
        "Asisten Administrasi Umum",
        "SETDA.AS3",
        "jpt",
        "II.b",
        "sekda",
        True,
    ),
    PositionSpec(
        "kabag_pem",
        "KABAG.PEM",
        "Kepala Bagian Pemerintahan",
        "SETDA.PEM",
        "administrator",
        "III.a",
        "asisten1",
        True,
    ),
    PositionSpec(
        "kabag_hukum",
        "KABAG.HK",
        "Kepala Bagian Hukum",
        "SETDA.HK",
        "administrator",
        "III.a",
        "asisten1",
        True,
    ),
    PositionSpec(
        "kabag_umum",
        "KABAG.UMUM",
        "Kepala Bagian Umum",
        "SETDA.UMUM",
        "administrator",
        "III.a",
        "asisten3",
        True,
    ),
    PositionSpec(
        "kabag_org",
        "KABAG.ORG",
        "Kepala Bagian Organisasi",
        "SETDA.ORG",
        "administrator",
        "III.a",
        "asisten3",
        True,
    ),
    PositionSpec(
        "kasubbag_tu",
        "KASUBBAG.TU.SETDA",
        "Kepala Subbagian Tata Usaha Pimpinan",
        "SETDA.UMUM.TU",
        "pengawas",
        "IV.a",
        "kabag_umum",
        True,
    ),
    PositionSpec(
        "tu_setda",
        "PENGADM.SURAT.SETDA",
        "Pengadministrasi Persuratan",
        "SETDA.UMUM.TU",
        "pelaksana",
        superior="kasubbag_tu",
        rank="II/d",
    ),
    PositionSpec(
        "arsiparis_setda",
        "ARSIPARIS.SETDA",
        "Arsiparis Pelaksana",
        "SETDA.UMUM.TU",
        "fungsional",
        superior="kasubbag_tu",
        rank="III/a",
    ),
    PositionSpec(
        "staf_hukum",
        "ANALIS.HUKUM",
        "Analis Hukum",
        "SETDA.HK",
        "pelaksana",
        superior="kabag_hukum",
        rank="III/a",
    ),
]


def opd_spec(
    opd: dict[str, Any],
) -> tuple[list[tuple[str, str, str, str]], list[PositionSpec]]:
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
        PositionSpec(
            f"kadis_{key}",
            f"KADIS.{code}",
            opd["head"],
            code,
            "jpt",
            "II.b",
            "sekda",
            True,
        ),
        PositionSpec(
            f"sekretaris_{key}",
            f"SEK.{code}",
            "Sekretaris",
            f"{code}.SEK",
            "administrator",
            "III.a",
            f"kadis_{key}",
            True,
        ),
        PositionSpec(
            f"kasubbag_umum_{key}",
            f"KASUBBAG.UMUM.{code}",
            "Kepala Subbagian Umum dan Kepegawaian",
            f"{code}.SEK.UMUM",
            "pengawas",
            "IV.a",
            f"sekretaris_{key}",
            True,
        ),
        PositionSpec(
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
            PositionSpec(
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
            PositionSpec(
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
