"""The lembar disposisi PDF: the letter's particulars and the whole chain for those
who read the letter in full; 404 (and nothing of the letter) for everyone else."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from warkat.dispositions.services.closing import disposition_close
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.dispositions.sheet import disposition_sheet_pdf
from warkat.letters.models import Letter
from warkat.letters.tests.factories import build_org, client_for, register

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def paths(letter: Letter) -> dict[str, str]:
    return {
        "page": reverse("dispositions:sheet", args=[letter.pk]),
        "api": f"/api/v1/letters/{letter.pk}/disposition-sheet.pdf",
    }


def _chain(o: SimpleNamespace, **kw: Any) -> Letter:
    """Kadis → Kabid Aplikasi (→ Pranata Komputer, who follows up; Kabid closes) and
    Kadis → Kabid Statistik."""
    letter = register(o, **kw)
    d1, _d2 = disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk, o.pos.kabid_b.pk],
        instructions=["Siapkan jawaban", "Koordinasikan"],
        note="Mohon dikoordinasikan dengan Bappeda",
        deadline=dt.date(2026, 11, 20),
    )
    (d3,) = disposition_create(
        actor=o.users.kabid_a,
        letter=letter,
        parent=d1,
        to_position_ids=[o.pos.staf_a.pk],
        instructions=["Tindak lanjuti"],
        note="Siapkan data aplikasi",
    )
    followup_create(
        actor=o.users.staf_a, disposition=d3, text="Data aplikasi sudah dikirim"
    )
    disposition_close(actor=o.users.kabid_a, disposition=d3, note="Cukup, terima kasih")
    return letter


def test_sheet_lists_the_letter_and_the_whole_chain(o: SimpleNamespace) -> None:
    letter = _chain(o, subject="Permintaan data SPBE")
    data, name = disposition_sheet_pdf(user=o.users.kabid_a, letter_id=letter.pk)
    assert data.startswith(b"%PDF")
    assert name == f"lembar-disposisi-{letter.agenda_number}-{letter.agenda_year}.pdf"
    text = " ".join(pdf_text(data).split())
    for expected in (
        "LEMBAR DISPOSISI",
        "DINAS KOMUNIKASI DAN INFORMATIKA",
        "Dinas Kominfo Provinsi Papua",
        letter.number,
        letter.agenda_label,
        "Permintaan data SPBE",
        "Kabid Aplikasi",
        "Kabid Statistik",
        "Pranata Komputer",
        "Siapkan jawaban, Koordinasikan",
        "Tindak lanjuti",
        "Mohon dikoordinasikan dengan Bappeda",
        "Siapkan data aplikasi",
        "Data aplikasi sudah dikirim",
        "Cukup, terima kasih",
        "Kepala Dinas Kominfo Orang",  # who disposed
        "Pranata Komputer Orang",  # who followed up
        "1.1",  # the re-disposition, numbered under its parent
    ):
        assert expected in text, expected


def test_page_and_api_serve_the_pdf_to_a_chain_member(o: SimpleNamespace) -> None:
    letter = _chain(o)
    c = client_for(o.users.staf_a)
    for where, path in paths(letter).items():
        r = c.get(path)
        assert r.status_code == 200, where
        assert r["Content-Type"] == "application/pdf"
        assert r["Content-Disposition"].startswith("attachment;")
        assert "no-store" in r["Cache-Control"]
        assert "Data aplikasi sudah dikirim" in pdf_text(r.content)
    page = c.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert f'href="{paths(letter)["page"]}"' in page


def test_letter_without_dispositions_still_prints(o: SimpleNamespace) -> None:
    letter = register(o, subject="Undangan sosialisasi")
    r = client_for(o.users.kadis).get(paths(letter)["api"])
    assert r.status_code == 200
    assert "Belum ada disposisi" in pdf_text(r.content)


@pytest.fixture
def secret(o: SimpleNamespace) -> Letter:
    return _chain(o, subject="Hasil audit investigasi RAHASIA", security="rahasia")


@pytest.mark.parametrize("who", ["outsider", "staf_b", "kadinkes", "tu"])
def test_secret_sheet_hidden_outside_the_chain(
    o: SimpleNamespace, secret: Letter, who: str
) -> None:
    """Same unit (outsider; staf_b, whose Kabid is in the chain but who is not),
    another unit (kadinkes) and the TU, who sees the agenda line only: 404 and
    nothing of the letter."""
    c = client_for(getattr(o.users, who))
    for where, path in paths(secret).items():
        r = c.get(path)
        assert r.status_code == 404, (where, r.status_code)
        assert secret.subject.encode() not in r.content
        assert b"%PDF" not in r.content


def test_secret_sheet_for_chain_members(o: SimpleNamespace, secret: Letter) -> None:
    for who in ("kadis", "kabid_a", "kabid_b", "staf_a"):
        c = client_for(getattr(o.users, who))
        for path in paths(secret).values():
            r = c.get(path)
            assert r.status_code == 200, (who, path)
            assert "Hasil audit investigasi" in pdf_text(r.content)


def test_secret_sheet_hidden_from_another_tenant(
    o: SimpleNamespace, secret: Letter, other_tenant: Any
) -> None:
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(other_tenant):
        foreign = build_org(other_tenant, prefix="g")
    for user in (foreign.users.kadis, foreign.users.admin, foreign.users.tu):
        c = client_for(user)
        with tenant_scope(other_tenant):
            for path in paths(secret).values():
                r = c.get(path)
                assert r.status_code == 404
                assert secret.subject.encode() not in r.content
