"""Layout and names: Pasal 44 name rules, a.n./u.b. from the hierarchy, Plt/Plh in the
signature, the kop, and the sandboxed type templates."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.core.errors import PermissionDenied, ValidationError
from warkat.drafting.models import NaskahType
from warkat.drafting.render import draft_pdf, kop_for, template_check
from warkat.drafting.signature import (
    Authority,
    capacity_resolve,
    signature_block,
    signer_name,
)
from warkat.drafting.tests.factories import draft, naskah
from warkat.org.tests import factories as org

pytestmark = pytest.mark.django_db


def titled(o: SimpleNamespace, key: str) -> Any:
    person = getattr(o.people, key)
    person.front_title, person.back_title, person.rank = "Dr.", "S.Kom., M.T.", "IV/a"
    person.save()
    return person


def test_name_rules_pasal_44(o: SimpleNamespace) -> None:
    surat, edaran = naskah(o.tenant), naskah(o.tenant, "surat-edaran")
    kadis = titled(o, "kadis")
    line = signer_name(
        person=kadis, position=o.pos.kadis, kind="definitif", naskah_type=surat
    )
    assert line.name == "Dr. Kepala Dinas Kominfo Orang, S.Kom., M.T."
    assert line.rank == "Pembina (IV/a)" and line.nip == kadis.nip
    # Pengaturan (surat edaran): no gelar, still NIP and pangkat.
    line = signer_name(
        person=kadis, position=o.pos.kadis, kind="definitif", naskah_type=edaran
    )
    assert line.name == "Kepala Dinas Kominfo Orang" and line.nip
    # Kepala Daerah and Sekda: no NIP, no pangkat.
    bupati, sekda = titled(o, "bupati"), titled(o, "sekda")
    assert (
        signer_name(
            person=bupati, position=o.pos.bupati, kind="definitif", naskah_type=surat
        ).nip
        == ""
    )
    line = signer_name(
        person=sekda, position=o.pos.sekda, kind="definitif", naskah_type=surat
    )
    assert (line.nip, line.rank) == ("", "") and line.name.startswith("Dr.")
    # Plt/Plh Kepala Daerah and Plh Sekda: no gelar, NIP or pangkat.
    for position, kind in (
        (o.pos.bupati, "plt"),
        (o.pos.bupati, "plh"),
        (o.pos.sekda, "plh"),
    ):
        line = signer_name(
            person=kadis, position=position, kind=kind, naskah_type=surat
        )
        assert (line.name, line.rank, line.nip) == (
            "Kepala Dinas Kominfo Orang",
            "",
            "",
        )


def test_capacity_from_hierarchy(o: SimpleNamespace) -> None:
    an = capacity_resolve(signer_position=o.pos.sekdis, capacity="an")
    assert an.on_behalf == o.pos.kadis and an.ub is None
    ub = capacity_resolve(signer_position=o.pos.sekdis, capacity="ub")
    assert (ub.on_behalf, ub.ub) == (o.pos.sekda, o.pos.kadis)
    with pytest.raises(ValidationError):
        capacity_resolve(signer_position=o.pos.bupati, capacity="an")
    with pytest.raises(ValidationError):
        capacity_resolve(signer_position=o.pos.sekda, capacity="ub")
    with pytest.raises(ValidationError):
        capacity_resolve(signer_position=o.pos.sekda, capacity="xx")


def test_signature_lines(o: SimpleNamespace) -> None:
    surat = naskah(o.tenant)
    block = signature_block(
        authority=Authority("ub", o.pos.sekda, o.pos.kadis), signer_position=o.pos.sekdis,
        signer_kind="plt", person=o.people.sekdis, naskah_type=surat,
    )  # fmt: skip
    assert block.lines == [
        "a.n. SEKRETARIS DAERAH,", "KEPALA DINAS KOMINFO,", "u.b.", "PLT. SEKRETARIS DINAS KOMINFO,",
    ]  # fmt: skip


def test_kop(o: SimpleNamespace) -> None:
    kop = kop_for(position=o.pos.staf_a, authority=Authority("", None, None))
    assert kop["government_line"] == "PEMERINTAH KABUPATEN KEEROM"
    assert kop["name"] == "DINAS KOMUNIKASI DAN INFORMATIKA"
    jabatan = kop_for(position=o.pos.bupati, authority=Authority("", None, None))
    assert jabatan["government_line"] == "BUPATI" and jabatan["name"] == ""
    an = kop_for(position=o.pos.sekda, authority=Authority("an", o.pos.bupati, None))
    assert an["government_line"] == "PEMERINTAH KABUPATEN KEEROM"


@pytest.mark.parametrize(
    "source",
    [
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% if %}",
        "{{ letter.number|nosuchfilter }}",
    ],
)
def test_sandbox_refuses(source: str) -> None:
    with pytest.raises(ValidationError):
        template_check(source)


def test_preview_pdf_escapes_and_carries_the_letter(o: SimpleNamespace) -> None:
    from pypdf import PdfReader

    d = draft(o, subject="Hal <script>alert(1)</script>", naskah_type=naskah(o.tenant, "surat-undangan"),
              event_day="Senin", event_agenda="Rapat SPBE")  # fmt: skip
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(draft_pdf(d))).pages
    )
    assert "Hal <script>alert(1)</script>" in text  # printed as text, not markup
    assert "KONSEP" in text and "Rapat SPBE" in text and "Yth." in text
    assert "KEPALA DINAS KOMINFO," in text


def test_every_catalogue_type_renders(o: SimpleNamespace) -> None:
    from pypdf import PdfReader

    for t in NaskahType.objects.filter(tenant=naskah(o.tenant).tenant):
        kw: dict[str, Any] = {"naskah_type": t, "about": "Pelaksanaan SPBE"}
        if t.layout == "judul":
            kw["recipients"] = []  # title-layout naskah need no addressee
        d = draft(o, **kw)
        text = PdfReader(io.BytesIO(draft_pdf(d))).pages[0].extract_text()
        assert t.name.upper() in text or "Nomor" in text, t.code


def test_plh_signer_shown_in_preview(o: SimpleNamespace) -> None:
    from pypdf import PdfReader

    vacant = org.position(
        o.tenant,
        o.bid_b,
        name="Kepala Seksi Data",
        category="pengawas",
        superior=o.pos.kabid_b,
    )
    plh = org.person(o.tenant, full_name="Yohana Wonda")
    org.assignment(o.tenant, plh, vacant, kind="plh", start_date=dt.date(2026, 11, 1))
    d = draft(o, signer_position=vacant, naskah_type=naskah(o.tenant, "nota-dinas"))
    text = PdfReader(io.BytesIO(draft_pdf(d))).pages[0].extract_text()
    assert "PLH. KEPALA SEKSI DATA" in text and "Yohana Wonda" in text


def test_kop_with_logo_is_used(o: SimpleNamespace) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image
    from pypdf import PdfReader

    from warkat.drafting.setup_services import kop_save

    buf = io.BytesIO()
    Image.new("RGB", (60, 60), "navy").save(buf, "PNG")
    logo = SimpleUploadedFile("logo.png", buf.getvalue(), "image/png")
    with pytest.raises(PermissionDenied):  # only the tenant admin may
        kop_save(actor=o.users.staf_a, unit=o.dinas, government_line="X", name="Y")
    kop_save(
        actor=o.users.admin, unit=o.dinas, government_line="Pemerintah Kabupaten Keerom",
        name="Dinas Kominfo", address="Jl. Raya Arso No. 1", phone="0967-123", logo=logo,
    )  # fmt: skip
    kop = kop_for(position=o.pos.staf_a, authority=Authority("", None, None))
    assert kop["name"] == "DINAS KOMINFO" and kop["logo"].startswith(
        "data:image/png;base64,"
    )
    assert "Telepon 0967-123" in kop["contact"]
    reader = PdfReader(io.BytesIO(draft_pdf(draft(o))))
    assert "DINAS KOMINFO" in reader.pages[0].extract_text()
    assert any(reader.pages[0].images)
