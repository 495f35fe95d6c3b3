"""Demo archive for Keerom: the Setda as records centre, its appraisal committee,
old letters past their retention and a destruction list (usul musnah) waiting for
the committee's appraisal, plus letters due to move and one under a legal hold.

Called by ``demo_load`` as ``demo_archive_load(tenant=…, people=…)`` with the
organisation's ``people`` (key → Person). Idempotent: nothing is added when the
tenant already has a list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from warkat.accounts.models import User
from warkat.archive.models import ClassificationCode, DisposalBatch
from warkat.archive.services.batches import batch_propose
from warkat.archive.services.setup import archive_settings_update, hold_place
from warkat.letters.models import Letter
from warkat.letters.samples import sample_pdf
from warkat.letters.services.registration import letter_register
from warkat.org.models import Assignment, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

#: (years ago, sender, number, subject, code, security)
OLD_LETTERS = [
    (
        7,
        "Dinas Kominfo Provinsi Papua",
        "555/311/DISKOMINFO",
        "Undangan Sosialisasi Jaringan Intra Pemerintah",
        "000.1.1",
        "biasa",
    ),
    (
        7,
        "Kantor Pos Arso",
        "PO-12/ARS/2019",
        "Pemberitahuan Perubahan Jam Layanan Pos",
        "000.1.1",
        "biasa",
    ),
    (
        6,
        "Distrik Skanto",
        "005/88/DIST-SKT",
        "Undangan Rapat Evaluasi Pelayanan Telekomunikasi Distrik",
        "000.1.1",
        "biasa",
    ),
    (
        6,
        "Inspektorat Kabupaten Keerom",
        "700/19/INSP",
        "Laporan Pemeriksaan Kas Bendahara Pengeluaran",
        "000.1.1",
        "rahasia",
    ),
    (
        5,
        "Telkomsel Regional Papua",
        "TSEL-77/PAP/2021",
        "Pemberitahuan Pemeliharaan Menara BTS Arso",
        "000.1.1",
        "biasa",
    ),
    (
        6,
        "Kampung Yamara",
        "140/07/KYM",
        "Permohonan Bantuan Perbaikan Radio Komunikasi",
        "000.1.1",
        "biasa",
    ),
]
#: Due to move to the records centre (active period over, inactive not).
TRANSFER_LETTERS = [
    (
        2,
        "Dinas Kominfo Provinsi Papua",
        "555/902/DISKOMINFO",
        "Undangan Bimbingan Teknis Pengelolaan Domain go.id",
        "000.1.1",
        "biasa",
    ),
]


def _user(person: Any) -> User:
    return User.objects.get(person=person)


def _position(person: Any) -> Any:
    return (
        Assignment.objects.filter(person=person)
        .select_related("position")
        .first()
        .position
    )  # type: ignore[union-attr]


def _register(
    *, tu: User, unit: Unit, to: Any, rows: list[tuple], today: dt.date
) -> list[Letter]:
    made: list[Letter] = []
    for years, sender, number, subject, code, security in rows:
        day = dt.date(today.year - years, 3 + len(made) % 8, 10)
        found = Letter.objects.filter(number=number, sender_institution=sender).first()
        if found is not None:
            made.append(found)
            continue
        pdf = sample_pdf(
            [sender, f"Nomor: {number}", f"Hal: {subject}", "", "Dengan hormat,"]
        )
        made.append(
            letter_register(
                actor=tu,
                unit=unit,
                addressed_position=to,
                subject=subject,
                summary=f"{subject}.",
                classification=ClassificationCode.objects.get(code=code),
                number=number,
                letter_date=day - dt.timedelta(days=2),
                sender_institution=sender,
                sender_name="Kepala",
                security=security,
                urgency="biasa",
                received_date=day,
                files=[
                    SimpleUploadedFile("surat.pdf", pdf, content_type="application/pdf")
                ],
            )
        )
    return made


def demo_archive_load(
    *, tenant: Tenant, people: dict[str, Any]
) -> DisposalBatch | None:
    with tenant_scope(tenant):
        if DisposalBatch.objects.exists():
            return None
        admin = _user(people["admin"])
        tu = _user(people["tu_setda"])
        setda = Unit.objects.get(code="SETDA")
        archive_settings_update(
            tenant=tenant,
            actor=admin,
            records_unit=setda,
            records_head=_position(people["kabag_umum"]),
            approver=_position(people["bupati"]),
            regional_archive="Dinas Perpustakaan dan Kearsipan Provinsi Papua",
            committee=[
                (_position(people["sekda"]), "chair"),
                (_position(people["kabag_hukum"]), "member"),
                (_position(people["kabag_umum"]), "member"),
            ],
        )
        today = timezone.localdate()
        sekda = _position(people["sekda"])
        old = _register(tu=tu, unit=setda, to=sekda, rows=OLD_LETTERS, today=today)
        _register(tu=tu, unit=setda, to=sekda, rows=TRANSFER_LETTERS, today=today)
        # One old letter is evidence in a case: held, never proposed.
        held = old[-1]
        hold_place(
            actor=tu,
            letter=held,
            reason="Barang bukti perkara perdata",
            case_reference="12/Pdt.G/2026/PN Jap",
        )
        return batch_propose(
            actor=tu,
            kind="pemusnahan",
            unit=setda,
            letters=old[:-1],
            title=f"Usul musnah arsip Sekretariat Daerah {today.year}",
            note="Arsip surat undangan dan pemberitahuan yang telah habis masa retensinya.",
        )
