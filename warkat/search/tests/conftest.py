"""A small corpus of letters in Keerom (and one in Gorontalo) for the search tests,
made through the real services so the signals index them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.letters.models import Letter
from warkat.letters.tests.conftest import frozen, media  # noqa: F401 - fixtures
from warkat.letters.tests.factories import build_org, register
from warkat.ocr.models import FileText, TextState
from warkat.ocr.signals import file_text_ready
from warkat.tenancy.scope import tenant_scope

NIP = "198503302010011001"


def file_text(letter: Letter, text: str, state: str = TextState.DONE) -> FileText:
    """The text of the letter's file, as the OCR app stores it and tells search
    (``state`` running: a scan's pages read, its PDF/A not made yet)."""
    row, _ = FileText.objects.update_or_create(
        letter_file=letter.files.order_by("pk").first(),
        defaults={
            "tenant_id": letter.tenant_id,
            "letter": letter,
            "state": state,
            "source": "ocr",
            "text": text,
        },
    )
    file_text_ready.send(sender=FileText, file_text=row)
    return row


@pytest.fixture
def o(in_tenant: Any, frozen: Any) -> SimpleNamespace:  # noqa: F811
    return build_org(in_tenant)


@pytest.fixture
def corpus(o: SimpleNamespace) -> SimpleNamespace:
    """Open letters to the Kepala Dinas, and one Rahasia letter disposed to Kabid
    Aplikasi only. "anggaran" is in an open and in the secret letter."""
    c = SimpleNamespace(o=o)
    c.bangun = register(
        o,
        subject="Pembangunan jembatan Arso",
        summary="Rencana pembangunan tahun 2027",
        number="800/123/BKPSDM/2026",
    )
    c.membangun = register(
        o,
        subject="Laporan kegiatan desa",
        summary="Warga membangun balai kampung dengan anggaran desa",
        number="800/124/BKPSDM/2026",
    )
    c.dibangun = register(
        o, subject="Gedung sekolah", summary="Gedung itu dibangun pada 2020"
    )
    c.persuratan = register(
        o, subject="Pedoman tata persuratan dinas", summary=f"Pegawai NIP {NIP}"
    )
    c.kepala = register(o, subject="Pala dan cengkih dari Keerom")
    c.secret = register(
        o,
        subject="Audit investigasi anggaran rahasia",
        summary="Temuan penyimpangan dana hibah",
        security="rahasia",
    )
    disposition_create(
        actor=o.users.kadis,
        letter=c.secret,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
        note="Segera klarifikasi kepada bendahara",
        deadline=dt.date(2026, 11, 10),
    )
    c.scan = register(o, subject="Surat pindaian")
    file_text(
        c.scan, "Hasil pemindaian: sosialisasi vaksinasi malaria di distrik Waris"
    )
    return c


def hits(result: Any) -> set[int]:
    return {h.letter.pk for h in result.hits}


@pytest.fixture
def elsewhere(other_tenant: Any, frozen: Any) -> SimpleNamespace:  # noqa: F811
    """Gorontalo with its own letter holding the same words."""
    with tenant_scope(other_tenant):
        g = build_org(other_tenant, prefix="g")
        g.letter = register(
            g,
            subject="Pembangunan jembatan Gorontalo anggaran",
            number="800/123/BKPSDM/2026",
        )
    return g


__all__ = ["NIP", "file_text", "followup_create", "hits"]
