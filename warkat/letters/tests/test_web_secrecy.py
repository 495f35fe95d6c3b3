"""Secrecy of Rahasia letters on every path of the letter pages and API: lists,
detail, files, page pictures, exports, notifications and follow-up files."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from warkat.dispositions.models import Disposition
from warkat.dispositions.services.create import disposition_create
from warkat.letters.models import Letter
from warkat.letters.samples import sample_pdf
from warkat.letters.tasks import letter_pages_render
from warkat.letters.tests.factories import build_org, client_for, register

pytestmark = pytest.mark.django_db


#: Session clients call the API too (CSRF checks are off in the test client).
api = client_for


@pytest.fixture
def secret(o: SimpleNamespace) -> Letter:
    """A Rahasia letter to the Kepala Dinas, disposed to Kabid Aplikasi."""
    letter = register(o, subject="Hasil audit investigasi RAHASIA", security="rahasia")
    disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
        deadline=dt.date(2026, 11, 10),
    )
    # Its page pictures, as the "render" task draws them after commit.
    letter_pages_render.call(tenant_id=letter.tenant_id, letter_id=letter.pk)
    return letter


def _xlsx_cells(content: bytes) -> set[str]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return {str(c.value) for row in sheet.iter_rows() for c in row if c.value}


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _paths(o: SimpleNamespace, letter: Letter) -> dict[str, str]:
    f = letter.files.get()
    return {
        "page": reverse("letters:detail", args=[letter.pk]),
        "file": reverse("letters:file", args=[letter.pk, f.pk]),
        "api": f"/api/v1/letters/{letter.pk}",
        "api_file": f"/api/v1/letters/{letter.pk}/files/{f.pk}",
        "file_page": reverse("letters:file_page", args=[letter.pk, f.pk, 1]),
        "api_file_page": f"/api/v1/letters/{letter.pk}/files/{f.pk}/pages/1",
        "receipt_pdf": reverse("letters:receipt", args=[letter.pk, "pdf"]),
        "receipt_xlsx": reverse("letters:receipt", args=[letter.pk, "xlsx"]),
        "api_receipt_pdf": f"/api/v1/letters/{letter.pk}/receipt.pdf",
        "api_receipt_xlsx": f"/api/v1/letters/{letter.pk}/receipt.xlsx",
    }


@pytest.mark.parametrize("who", ["outsider", "staf_b", "kadinkes", "sekda"])
def test_secret_letter_hidden_from_outsiders_on_every_path(
    o: SimpleNamespace, secret: Letter, who: str
) -> None:
    """Same unit (outsider, staf_b), another unit (kadinkes), a superior outside the
    chain (sekda): nothing of the letter, nowhere."""
    c = client_for(getattr(o.users, who))
    for name, path in _paths(o, secret).items():
        response = c.get(path)
        assert response.status_code == 404, (name, response.status_code)
        assert secret.subject.encode() not in response.content
    inbox = c.get(reverse("letters:inbox"))
    assert secret.subject.encode() not in inbox.content
    assert secret.subject not in str(c.get("/api/v1/inbox").json())


def test_secret_letter_hidden_from_another_tenant(
    o: SimpleNamespace, secret: Letter, other_tenant
) -> None:
    from warkat.tenancy.scope import tenant_scope

    paths = _paths(o, secret)
    with tenant_scope(other_tenant):
        foreign = build_org(other_tenant, prefix="g")
    for user in (foreign.users.kadis, foreign.users.admin, foreign.users.tu):
        c = client_for(user)
        with tenant_scope(other_tenant):
            for path in paths.values():
                assert c.get(path).status_code == 404
            assert secret.subject not in str(c.get("/api/v1/inbox").json())


def test_chain_members_see_the_secret_letter(
    o: SimpleNamespace, secret: Letter
) -> None:
    for who in ("kadis", "kabid_a"):
        c = client_for(getattr(o.users, who))
        for path in _paths(o, secret).values():
            assert c.get(path).status_code == 200
        assert secret.subject in str(c.get("/api/v1/inbox").json())


def test_tu_and_admin_see_only_the_agenda_line_of_a_secret_letter(
    o: SimpleNamespace, secret: Letter
) -> None:
    for who in ("tu", "admin"):
        c = client_for(getattr(o.users, who))
        data = c.get(f"/api/v1/letters/{secret.pk}").json()
        assert data["letter"]["restricted"] is True
        assert (
            data["letter"]["subject"] is None
            and data["files"] == []
            and data["dispositions"] == []
        )
        page = c.get(reverse("letters:detail", args=[secret.pk]))
        assert page.status_code == 200 and secret.subject.encode() not in page.content
        assert c.get(_paths(o, secret)["file"]).status_code == 404
        registry = c.get(reverse("letters:registry"))
        assert secret.subject.encode() not in registry.content
        xlsx = c.get(
            reverse("letters:agenda_download"),
            {
                "unit": o.dinas.pk,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
                "format": "xlsx",
            },
        )
        assert xlsx.status_code == 200
        from openpyxl import load_workbook

        cells = [
            str(c.value)
            for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
            for c in row
        ]
        assert secret.number in cells and secret.subject not in cells
        # The receipt, both formats: the agenda line without the subject.
        receipt = c.get(reverse("letters:receipt", args=[secret.pk, "xlsx"]))
        assert _xlsx_cells(receipt.content).issuperset({secret.number, "Rahasia"})
        assert secret.subject not in _xlsx_cells(receipt.content)
        receipt = c.get(f"/api/v1/letters/{secret.pk}/receipt.pdf")
        assert secret.number in _pdf_text(receipt.content)
        assert "investigasi" not in _pdf_text(receipt.content)


def test_agenda_book_pdf_and_receipt(o: SimpleNamespace, secret: Letter) -> None:
    plain = register(o, subject="Undangan Musrenbang Distrik")
    c = client_for(o.users.tu)
    pdf = c.get(
        reverse("letters:agenda_download"),
        {
            "unit": o.dinas.pk,
            "date_from": "2026-11-01",
            "date_to": "2026-11-30",
            "format": "pdf",
        },
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Musrenbang" in text and "investigasi" not in text
    receipt = c.get(reverse("letters:receipt", args=[plain.pk, "pdf"]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    assert "Undangan Musrenbang Distrik" in _pdf_text(receipt.content)
    receipt = c.get(f"/api/v1/letters/{plain.pk}/receipt.xlsx")
    assert receipt.status_code == 200
    assert "attachment" in receipt["Content-Disposition"]
    cells = _xlsx_cells(receipt.content)
    assert {"Undangan Musrenbang Distrik", plain.number, plain.agenda_label} <= cells
    bad = c.get(f"/api/v1/letters/{plain.pk}/receipt.docx")
    assert bad.status_code == 422 and bad.json()["code"] == "export.format_invalid"
    assert c.get(reverse("letters:receipt", args=[plain.pk, "doc"])).status_code == 422
    assert (
        client_for(o.users.staf_a)
        .get(
            reverse("letters:agenda_download"),
            {
                "unit": o.dinas.pk,
                "date_from": "2026-11-01",
                "date_to": "2026-11-30",
                "format": "pdf",
            },
        )
        .status_code
        == 403
    )


def test_secret_notifications_never_carry_the_subject_outside(
    o: SimpleNamespace, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    from warkat.notify.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        letter = register(
            o, subject="Pemeriksaan khusus RAHASIA", security="sangat_rahasia"
        )
    with django_capture_on_commit_callbacks(execute=True):
        disposition_create(
            actor=o.users.kadis,
            letter=letter,
            to_position_ids=[o.pos.kabid_a.pk],
            instructions=["Pelajari"],
        )
    assert mailoutbox, "e-mail sent"
    for mail in mailoutbox:
        assert "Pemeriksaan" not in mail.subject and "Pemeriksaan" not in mail.body
        assert "Sangat Rahasia" in mail.subject
    inside = Notification.objects.get(person=o.people.kabid_a)
    assert "Pemeriksaan" in inside.title  # in the app, to a chain member


def test_follow_up_files_of_a_secret_letter_stay_in_the_chain(
    o: SimpleNamespace, secret: Letter
) -> None:
    from warkat.dispositions.models import FollowUpFile
    from warkat.dispositions.services.followup import followup_create

    d = Disposition.objects.get(letter=secret)
    followup_create(
        actor=o.users.kabid_a, disposition=d, text="Laporan",
        files=[SimpleUploadedFile("laporan.pdf", sample_pdf(["laporan"]))],
    )  # fmt: skip
    f = FollowUpFile.objects.get()
    paths = [
        reverse("dispositions:file", args=[f.pk]),
        f"/api/v1/follow-up-files/{f.pk}",
    ]
    for who in ("outsider", "staf_b", "kadinkes", "tu", "admin"):
        c = client_for(getattr(o.users, who))
        assert all(c.get(p).status_code == 404 for p in paths), who
    c = client_for(o.users.kadis)
    assert all(c.get(p).status_code == 200 for p in paths)
