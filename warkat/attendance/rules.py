"""National defaults of the e-absen rules (each one tenant-adjustable through
``AttendanceSettings``): working hours, the discipline ladder, leave balances and
the documents a leave or permission request needs."""

from __future__ import annotations

#: Perpres 21/2023 default: Mon-Thu 07:30-16:00 (60 min break), Fri 07:30-16:30
#: (90 min break) = 37.5 h a week; weekday → (start, end, break minutes).
NATIONAL_WEEK: dict[int, tuple[str, str, int]] = {
    0: ("07:30", "16:00", 60),
    1: ("07:30", "16:00", 60),
    2: ("07:30", "16:00", 60),
    3: ("07:30", "16:00", 60),
    4: ("07:30", "16:30", 90),
}
#: Ramadan: start 08:00, 32.5 h a week (30 min break Mon-Thu, 60 min Friday).
RAMADAN_WEEK: dict[int, tuple[str, str, int]] = {
    0: ("08:00", "15:00", 30),
    1: ("08:00", "15:00", 30),
    2: ("08:00", "15:00", 30),
    3: ("08:00", "15:00", 30),
    4: ("08:00", "15:30", 60),
}

#: PP 94/2021: cumulative days absent without reason in a year → the step a
#: superior must consider (never applied automatically).
PP94_STEPS: list[list[int | str]] = [
    [3, "teguran lisan"],
    [4, "teguran tertulis"],
    [7, "pernyataan tidak puas secara tertulis"],
    [11, "pemotongan tunjangan kinerja 25% selama 6 bulan"],
    [14, "pemotongan tunjangan kinerja 25% selama 9 bulan"],
    [17, "pemotongan tunjangan kinerja 25% selama 12 bulan"],
    [21, "penurunan jabatan setingkat lebih rendah selama 12 bulan"],
    [25, "pembebasan dari jabatan menjadi jabatan pelaksana selama 12 bulan"],
    [28, "pemberhentian dengan hormat tidak atas permintaan sendiri"],
]


#: PP 11/2017 on PNS management (as amended by PP 17/2020), cuti tahunan: 12
#: working days a year; the unused part may be used the next year up to 18 days
#: including that year's own; unused two years or more in a row, up to 24 days.
ANNUAL_LEAVE_DAYS = 12
LEAVE_CAP_ONE_YEAR = 18
LEAVE_CAP_TWO_YEARS = 24
#: Cuti tahunan is a right of a PNS/CPNS who has worked at least one year without
#: a break (PP 11/2017 Pasal 311): months of service since the TMT CPNS.
ANNUAL_LEAVE_SERVICE_MONTHS = 12
#: Cuti besar and cuti di luar tanggungan negara are for a PNS who has worked at
#: least five years without a break (PP 11/2017 as amended, the sections on cuti
#: besar and on CLTN): months of service since the TMT CPNS, as for annual leave.
LONG_LEAVE_SERVICE_MONTHS = 60
LONG_LEAVE_KINDS = frozenset({"cuti_besar", "cuti_cltn"})
#: Cuti bersama (PP 11/2017 Pasal 333): set by Keputusan Presiden and, by the
#: national rule, it does *not* reduce annual leave; a PNS who by position must
#: work on a cuti bersama day gets that day added to the year's annual leave.
#: A tenant whose year's Keppres says otherwise turns this on: every cuti bersama
#: working day of the year is then taken from the year's entitlement (a day the
#: person is rostered to work is still kept).
CUTI_BERSAMA_REDUCES_ANNUAL = False
#: Cuti di luar tanggungan negara: at most 3 years (PP 11/2017 Pasal 337).
CLTN_MAX_MONTHS = 36
#: Cuti melahirkan for the first to the third child born while a PNS; from the
#: fourth child on the leave is given as cuti besar (PP 11/2017 Pasal 325).
MATERNITY_CHILDREN = 3

#: Documents a request needs: [kind, more than this many working days, document].
#: Sick more than one day: a doctor's note; sick leave beyond 14 days: a note
#: from a government doctor (PP 11/2017, cuti sakit); leave for important
#: reasons and unpaid leave: the evidence of the reason; official duty asked for
#: by hand (not from a signed Surat Tugas): the assignment letter.
DOCUMENT_RULES: list[list[int | str]] = [
    ["sakit", 1, "Surat keterangan dokter"],
    ["cuti_sakit", 1, "Surat keterangan dokter"],
    ["cuti_sakit", 14, "Surat keterangan dokter pemerintah"],
    ["cuti_alasan_penting", 0, "Bukti alasan penting (mis. keterangan rawat inap)"],
    ["cuti_cltn", 0, "Bukti alasan cuti di luar tanggungan negara"],
    ["dinas_luar", 0, "Surat tugas"],
]

#: Longest leave of a kind in calendar months (PP 11/2017): cuti besar and cuti
#: melahirkan at most 3 months, cuti karena alasan penting at most 1 month.
MAX_MONTHS: dict[str, int] = {
    "cuti_besar": 3,
    "cuti_melahirkan": 3,
    "cuti_alasan_penting": 1,
}
