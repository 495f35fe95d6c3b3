"""The drafting pages: each renders, each form calls its service, refusals show a
message and change nothing, secret letters stay hidden, lists keep their queries."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from warkat.drafting.models import Draft, Kop, NaskahType, NumberEntry, ReviewStep
from warkat.drafting.tests.factories import (
    PASSPHRASE,
    draft,
    otp,
    signer_ready,
)
from warkat.letters.tests.factories import client_for, pdf_upload

pytestmark = pytest.mark.django_db


def form(o: SimpleNamespace, **kw: Any) -> dict[str, Any]:
    data = {
        "naskah_type": "surat-undangan",
        "subject": "Undangan rapat koordinasi",
        "about": "",
        "body": "<p>Dengan hormat,</p><p><img src=x onerror=alert(1)>Kami mengundang.</p>",
        "signer_position": str(o.pos.kadis.pk),
        "capacity": "",
        "security": "biasa",
        "urgency": "segera",
        "classification": "000.1.1 Telekomunikasi",
        "place": "Arso",
        "event_day": "Senin, 9 November 2026",
        "event_time": "09.00 WIT",
        "event_place": "Aula Kantor Bupati",
        "event_agenda": "Rapat koordinasi SPBE",
        "rcpt": [f"to:position:{o.pos.kadinkes.pk}", f"copy:unit:{o.other.pk}"],
        "external_to": "PT Telkom Jayapura | humas@telkom.invalid | Jayapura",
        "external_copy": "",
    }
    data.update(kw)
    return data


def test_new_draft_page_and_post(o: SimpleNamespace) -> None:
    c = client_for(o.users.staf_a)
    page = c.get(reverse("drafting:new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "drafting-editor.js" in html and 'name="rcpt"' not in html
    assert (
        re.search(r"<script(?![^>]*\bsrc=)", html.split("</head>")[1]) is None
    )  # no inline script in the body
    r = c.post(
        reverse("drafting:new"), {**form(o), "files": pdf_upload("lampiran.pdf")}
    )
    assert r.status_code == 302
    d = Draft.objects.get()
    assert r["Location"] == reverse("drafting:detail", args=[d.letter_id])
    assert "onerror" not in d.body and "<img" not in d.body
    assert d.letter.urgency == "segera" and d.event_place == "Aula Kantor Bupati"
    assert {(r.role, r.kind) for r in d.recipients.all()} == {
        ("to", "position"),
        ("copy", "unit"),
        ("to", "external"),
    }
    assert d.letter.files.count() == 1


def test_new_draft_bad_input_shows_message(o: SimpleNamespace) -> None:
    c = client_for(o.users.staf_a)
    r = c.post(reverse("drafting:new"), form(o, classification="999.9"))
    html = r.content.decode()
    assert r.status_code == 200 and "msg error" in html
    # The picked recipients come back as named chips.
    assert "Kepala Dinas Kesehatan (Kabupaten Keerom)" in html
    assert not Draft.objects.exists()


def test_detail_pages_and_actions(o: SimpleNamespace, frozen: Any) -> None:
    d = draft(o)
    staf, kabid = client_for(o.users.staf_a), client_for(o.users.kabid_a)
    page = staf.get(reverse("drafting:detail", args=[d.letter_id]))
    assert page.status_code == 200
    assert (
        "Submit for paraf" in page.content.decode() or "Ajukan" in page.content.decode()
    )
    assert staf.get(reverse("drafting:edit", args=[d.letter_id])).status_code == 200
    assert staf.get(reverse("drafting:chain", args=[d.letter_id])).status_code == 200
    r = staf.post(reverse("drafting:chain", args=[d.letter_id]), {
        "position": [str(o.pos.kabid_a.pk)], "kind": ["hierarchy"], "op": "add",
        "add_position": str(o.pos.kabid_b.pk), "add_kind": "coordination",
    })  # fmt: skip
    assert r.status_code == 302
    assert list(ReviewStep.objects.filter(draft=d, round=1).order_by("order").values_list("position", flat=True)) == [
        o.pos.kabid_a.pk, o.pos.kabid_b.pk, o.pos.kadis.pk,
    ]  # fmt: skip
    r = staf.post(
        reverse("drafting:edit", args=[d.letter_id]),
        form(o, subject="Undangan rapat (revisi)"),
    )
    assert r.status_code == 302
    assert (
        staf.get(
            reverse("drafting:compare", args=[d.letter_id]) + "?a=1&b=2"
        ).status_code
        == 200
    )
    r = staf.post(
        reverse("drafting:edit", args=[d.letter_id]),
        form(o, subject="Undangan rapat (revisi 2)"),
    )
    assert r.status_code == 302
    compared = staf.get(reverse("drafting:compare", args=[d.letter_id]) + "?a=2&b=3")
    # Only the subject changed: the body's diff says so in Indonesian, not in
    # difflib's English.
    assert compared.status_code == 200
    assert "Isi naskah tidak berubah." in compared.content.decode()
    assert "No Differences Found" not in compared.content.decode()
    history = staf.get(reverse("drafting:detail", args=[d.letter_id])).content.decode()
    assert "Konsep dibuat" in history and "Konsep diubah" in history
    assert not re.search(r"· (drafted|edited|submitted) ·", history)
    preview = staf.get(reverse("drafting:pdf", args=[d.letter_id]))
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert (
        staf.post(reverse("drafting:act", args=[d.letter_id, "submit"])).status_code
        == 302
    )
    # Refusal: approving out of turn gives a message and changes nothing.
    kabid_b = client_for(o.users.kabid_b)
    r = kabid_b.post(
        reverse("drafting:act", args=[d.letter_id, "approve"]), follow=True
    )
    assert r.status_code == 200
    assert (
        ReviewStep.objects.get(draft=d, position=o.pos.kabid_b, round=1).state
        == "pending"
    )
    assert (
        kabid.post(
            reverse("drafting:act", args=[d.letter_id, "approve"]), {"note": "ok"}
        ).status_code
        == 302
    )
    assert (
        kabid_b.post(reverse("drafting:act", args=[d.letter_id, "approve"])).status_code
        == 302
    )
    d.refresh_from_db()
    assert d.state == "approved"
    user = signer_ready(o)
    kadis = client_for(user)
    html = kadis.get(reverse("drafting:detail", args=[d.letter_id])).content.decode()
    assert 'name="passphrase"' in html and 'name="otp"' in html
    r = kadis.post(
        reverse("drafting:act", args=[d.letter_id, "sign"]),
        {"passphrase": PASSPHRASE, "otp": otp()},
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.state in {"signed", "sent"} and d.letter.number


def test_outsider_and_secret(o: SimpleNamespace) -> None:
    secret = draft(o, security="rahasia")
    for user in (o.users.outsider, o.users.tu, o.users.admin):
        c = client_for(user)
        for name in (
            "drafting:detail",
            "drafting:edit",
            "drafting:pdf",
            "drafting:compare",
        ):
            assert c.get(reverse(name, args=[secret.letter_id])).status_code == 404, (
                user,
                name,
            )
        listing = c.get(reverse("drafting:list") + "?box=registry").content.decode()
        assert secret.letter.subject not in listing


def test_lists_query_count(
    o: SimpleNamespace, django_assert_max_num_queries: Any
) -> None:
    c = client_for(o.users.staf_a)
    draft(o)
    with django_assert_max_num_queries(30) as one:
        c.get(reverse("drafting:list"))
    for i in range(5):
        draft(o, subject=f"Surat {i}", security="rahasia" if i % 2 else "biasa")
    with django_assert_max_num_queries(len(one.captured_queries)):
        r = c.get(reverse("drafting:list"))
    assert r.content.decode().count('class="item"') == 6


def test_register_page(o: SimpleNamespace) -> None:
    tu = client_for(o.users.tu)
    r = tu.get(reverse("drafting:register"))
    assert r.status_code == 200
    r = tu.post(
        reverse("drafting:register"),
        {
            "op": "reserve",
            "unit": o.dinas.pk,
            "naskah_type": "surat-dinas",
            "subject": "Surat kertas",
            "classification": "000.1.1",
        },
    )
    assert r.status_code == 302
    entry = NumberEntry.objects.get()
    assert entry.kind == "reserved"
    tu.post(
        reverse("drafting:register"),
        {"op": "void", "unit": o.dinas.pk, "entry": entry.pk, "reason": "Tidak jadi"},
    )
    entry.refresh_from_db()
    assert entry.void_reason == "Tidak jadi"
    assert (
        client_for(o.users.staf_a).get(reverse("drafting:register")).status_code == 403
    )


def test_admin_settings(o: SimpleNamespace) -> None:
    admin = client_for(o.users.admin)
    assert admin.get(reverse("drafting:settings")).status_code == 200
    surat = NaskahType.objects.get(code="surat-dinas")
    assert admin.get(reverse("drafting:type_edit", args=[surat.pk])).status_code == 200
    r = admin.post(reverse("drafting:type_edit", args=[surat.pk]), {
        "name": "Surat Dinas", "family": "korespondensi", "layout": "korespondensi",
        "signer_titles": "on", "is_active": "on", "template_html": "{% load evil %}",
        "number_pattern": "",
    })  # fmt: skip
    assert (
        r.status_code == 200
        and "evil" in r.content.decode()
        and "errorlist" in r.content.decode()
    )
    surat.refresh_from_db()
    assert "{% load" not in surat.template_html
    r = admin.post(reverse("drafting:type_edit", args=[surat.pk]), {
        "name": "Surat Dinas", "family": "korespondensi", "layout": "korespondensi",
        "signer_titles": "on", "is_active": "on", "template_html": "",
        "number_pattern": "{klasifikasi}/{nomor:3}/{unit}/{tahun}",
    })  # fmt: skip
    assert r.status_code == 302
    assert surat.number_format.pattern == "{klasifikasi}/{nomor:3}/{unit}/{tahun}"
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (40, 40), "red").save(buf, "PNG")
    r = admin.post(reverse("drafting:kop_edit", args=[o.dinas.pk]), {
        "government_line": "Pemerintah Kabupaten Keerom", "name": "Dinas Kominfo",
        "address": "Jl. Raya Arso", "logo": SimpleUploadedFile("logo.png", buf.getvalue(), "image/png"),
    })  # fmt: skip
    assert r.status_code == 302
    assert Kop.objects.get(unit=o.dinas).logo_content_type == "image/png"
    assert (
        client_for(o.users.staf_a).get(reverse("drafting:settings")).status_code == 403
    )
