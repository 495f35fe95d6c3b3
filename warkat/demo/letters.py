"""Demo incoming letters for Keerom: realistic senders and subjects, some Segera, one
Rahasia, files as small valid PDFs, dispositions in various states. Three letters
arrived on paper: their files are scans generated at load (``ocr.samples``: a
picture of the typed page, rotated, blurred and speckled, without a text layer), read
by OCR on the ``ocr`` queue. The word ``SCAN_WORD`` appears only inside the Distrik
Arso scan, so a visitor can search for it and find the scanned letter.

Called by the ``demo_load`` command as ``demo_letters_load(tenant=…, people=…)`` with
``people`` mapping these keys to users (each with a person holding a position today):

- ``tu``: the records clerk (role ``tu`` bound to the receiving unit);
- ``pimpinan``: holder of the position letters are addressed to (head of that unit);
- ``bawahan_1``, ``bawahan_2``: holders of two positions below the pimpinan;
- ``staf`` (optional): holder of a position below ``bawahan_1``.

Idempotent: letters already registered (same sender, number and date) are skipped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from warkat.archive.models import ClassificationCode
from warkat.dispositions.models import Disposition
from warkat.dispositions.services.closing import disposition_close
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.dispositions.services.reading import disposition_read
from warkat.letters.access import held_positions, tu_unit_ids
from warkat.letters.models import Letter
from warkat.letters.samples import sample_pdf
from warkat.letters.services.incoming import letter_duplicates
from warkat.letters.services.registration import letter_register
from warkat.ocr.samples import scan_pdf
from warkat.org.models import Position, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

#: (days ago received, sender, number, subject, code, security, urgency, plan)
LETTERS = [
    (
        0,
        "Dinas Kominfo Provinsi Papua",
        "500.12/1187/DISKOMINFO",
        "Undangan Rapat Koordinasi Percepatan SPBE Tahun 2026",
        "000.1.1",
        "biasa",
        "segera",
        "new",
    ),
    (
        1,
        "Badan Pusat Statistik Kabupaten Keerom",
        "B-215/91110/PPK.200/2026",
        "Permohonan Data Sektoral untuk Keerom Dalam Angka 2027",
        "000.1.1",
        "biasa",
        "biasa",
        "disposed",
    ),
    (
        2,
        "Kementerian Dalam Negeri",
        "000.8.3.3/4412/SJ",
        "Surat Edaran Penyusunan SOP Pelayanan Publik Berbasis Elektronik",
        "000.8.3.3",
        "biasa",
        "biasa",
        "followed_up",
    ),
    (
        3,
        "Inspektorat Kabupaten Keerom",
        "700.1/77/INSP",
        "Hasil Pemeriksaan Khusus Pengelolaan Belanja Modal",
        "000.1.1",
        "rahasia",
        "segera",
        "disposed",
    ),
    (
        5,
        "Distrik Arso",
        "005/41/DIST-ARSO",
        "Undangan Musyawarah Perencanaan Pembangunan Distrik Arso",
        "000.1.1",
        "biasa",
        "amat_segera",
        "overdue",
    ),
    (
        8,
        "Kampung Workwana",
        "140/12/KWW",
        "Permohonan Pemasangan Jaringan Internet Kantor Kampung",
        "000.1.1",
        "biasa",
        "biasa",
        "done",
    ),
    (
        12,
        "PT Telkom Indonesia Witel Papua",
        "Tel.221/LG000/R7W-4A400000/2026",
        "Penawaran Kerja Sama Penyediaan Layanan Data Center",
        "000.1.1",
        "terbatas",
        "biasa",
        "declined",
    ),
]


#: A word that only the Distrik Arso scan holds (search for it in the demo).
SCAN_WORD = "Skofro"

#: The page text of the letters whose file is a scan, by letter number.
SCANS = {
    "B-215/91110/PPK.200/2026": [
        "BADAN PUSAT STATISTIK KABUPATEN KEEROM",
        "Nomor: B-215/91110/PPK.200/2026",
        "Hal: Permohonan Data Sektoral",
        "",
        "Dalam rangka penyusunan publikasi Keerom Dalam Angka",
        "2027, kami mohon data jumlah pegawai, sekolah dan",
        "puskesmas per distrik, paling lambat akhir bulan ini.",
    ],
    "700.1/77/INSP": [
        "INSPEKTORAT KABUPATEN KEEROM",
        "Nomor: 700.1/77/INSP        RAHASIA",
        "Hal: Hasil Pemeriksaan Khusus",
        "",
        "Pemeriksaan khusus atas belanja modal menemukan",
        "kelebihan pembayaran pada pekerjaan gedung",
        "serbaguna. Mohon tindak lanjut dalam 60 hari.",
    ],
    "005/41/DIST-ARSO": [
        "PEMERINTAH DISTRIK ARSO",
        "Nomor: 005/41/DIST-ARSO",
        "Hal: Undangan Musrenbang Distrik",
        "",
        "Musyawarah perencanaan pembangunan distrik akan",
        "membahas usulan jembatan gantung Kampung " + SCAN_WORD,
        "dan jalan tani kakao. Mohon kehadiran Bapak.",
    ],
}


def _letter_file(sender: str, number: str, subject: str) -> SimpleUploadedFile:
    if number in SCANS:
        return SimpleUploadedFile(
            "pindaian.pdf", scan_pdf([SCANS[number]], seed=len(number))
        )
    return SimpleUploadedFile(
        "surat.pdf",
        sample_pdf(
            [
                sender,
                f"Nomor: {number}",
                f"Hal: {subject}",
                "",
                "Dengan hormat,",
                "(isi surat)",
            ]
        ),
    )


def _position(user: Any) -> Position:
    held = held_positions(user)
    return Position.objects.get(pk=next(iter(held)))


def demo_letters_load(*, tenant: Tenant, people: dict[str, Any]) -> list[Letter]:
    with tenant_scope(tenant):
        tu = people["tu"]
        unit = Unit.objects.get(pk=next(iter(tu_unit_ids(tu))))
        head = people["pimpinan"]
        head_pos = _position(head)
        below = [people["bawahan_1"], people["bawahan_2"]]
        below_pos = [_position(u) for u in below]
        staf = people.get("staf")
        today = timezone.localdate()
        created: list[Letter] = []
        for days, sender, number, subject, code, security, urgency, plan in LETTERS:
            letter_date = today - dt.timedelta(days=days + 2)
            if letter_duplicates(
                sender_institution=sender, number=number, letter_date=letter_date
            ):
                continue
            letter = letter_register(
                actor=tu,
                unit=unit,
                addressed_position=head_pos,
                subject=subject,
                summary=f"{subject}. Mohon arahan pimpinan untuk tindak lanjut.",
                classification=ClassificationCode.objects.get(code=code),
                number=number,
                letter_date=letter_date,
                sender_institution=sender,
                sender_name="Kepala",
                security=security,
                urgency=urgency,
                received_date=today - dt.timedelta(days=days),
                files=[_letter_file(sender, number, subject)],
            )
            created.append(letter)
            _play(plan, letter, head, below, below_pos, staf, days)
        return created


def _play(
    plan: str,
    letter: Letter,
    head: Any,
    below: list[Any],
    below_pos: list[Position],
    staf: Any,
    days: int,
) -> None:
    if plan == "new":
        return
    targets = below_pos if plan != "declined" else below_pos[:1]
    ds = disposition_create(
        actor=head,
        letter=letter,
        to_position_ids=[p.pk for p in targets],
        instructions=["Tindak lanjuti", "Laporkan hasilnya"]
        if plan != "disposed"
        else ["Pelajari"],
        note="Mohon segera ditindaklanjuti." if letter.urgency != "biasa" else "",
        deadline=timezone.localdate(),
    )
    first = ds[0]
    if plan == "overdue":
        # Demo history: a disposition sent days ago whose deadline has passed.
        Disposition.objects.filter(letter=letter).update(
            sent_at=timezone.now() - dt.timedelta(days=days),
            deadline=timezone.localdate() - dt.timedelta(days=max(days - 3, 1)),
        )
        return
    disposition_read(actor=below[0], disposition=first)
    if plan == "declined":
        from warkat.dispositions.services.closing import disposition_decline

        disposition_decline(
            actor=below[0],
            disposition=first,
            reason="Bukan kewenangan bidang kami; mohon diarahkan ke Bagian Umum.",
        )
        return
    if plan in ("followed_up", "done"):
        if staf is not None:
            (child,) = disposition_create(
                actor=below[0],
                letter=letter,
                parent=first,
                to_position_ids=[_position(staf).pk],
                instructions=["Siapkan jawaban"],
            )
            followup_create(
                actor=staf,
                disposition=child,
                text="Konsep jawaban sudah disiapkan dan diunggah.",
            )
            disposition_close(
                actor=below[0], disposition=child, note="Baik, diteruskan ke pimpinan."
            )
        followup_create(
            actor=below[0],
            disposition=first,
            text="Sudah ditindaklanjuti sesuai arahan; laporan terlampir.",
        )
    if plan == "done":
        for d in ds:
            d.refresh_from_db()
            if d.state == "sent":
                disposition_read(actor=below[1], disposition=d)
                followup_create(
                    actor=below[1], disposition=d, text="Telah dikoordinasikan."
                )
            disposition_close(actor=head, disposition=d, note="Selesai.")
