"""The text of files on the letter page: the state panel, the searchable PDF's
download (the same checks as the original file: tenant, roles, Rahasia secrecy),
and a new start after a failure (TU and admin only)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from warkat.audit.models import AuditEvent
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.letters.models import Letter
from warkat.letters.samples import sample_pdf
from warkat.letters.tests.factories import build_org, client_for, register
from warkat.ocr.models import FileText, TextState

pytestmark = pytest.mark.django_db

SEARCHABLE = b"%PDF-1.7 searchable PDF/A of the scan"


def _recognised(letter: Letter) -> FileText:
    """The letter's scan as the ocr task leaves it (done, with a searchable PDF)."""
    row = FileText.objects.get(letter=letter, letter_file__isnull=False)
    name = default_storage.save(
        f"{letter.tenant_id}/2026/12/searchable.pdf", ContentFile(SEARCHABLE)
    )
    FileText.objects.filter(pk=row.pk).update(
        state=TextState.DONE, source="ocr", text="isi", pages=1, searchable_name=name
    )
    row.refresh_from_db()
    return row


@pytest.fixture
def secret(o: SimpleNamespace) -> Letter:
    """A Rahasia letter to the Kepala Dinas, disposed to Kabid Aplikasi."""
    letter = register(o, subject="Hasil audit investigasi", security="rahasia")
    disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
        deadline=dt.date.today() + dt.timedelta(days=7),
    )
    return letter


def _paths(row: FileText) -> dict[str, str]:
    return {
        "original": reverse("letters:file", args=[row.letter_id, row.letter_file_id]),
        "searchable": reverse("ocr:searchable", args=[row.pk]),
        "panel": reverse("ocr:letter_texts", args=[row.letter_id]),
    }


def test_every_new_letter_file_gets_a_pending_text_row(o: SimpleNamespace) -> None:
    letter = register(o)
    row = FileText.objects.get(letter=letter)
    assert row.letter_file == letter.files.get()
    assert (row.state, row.attempts, row.tenant_id) == ("pending", 0, o.tenant.pk)


def test_chain_members_get_the_searchable_pdf_like_the_original(
    o: SimpleNamespace, secret: Letter
) -> None:
    row = _recognised(secret)
    for who in ("kadis", "kabid_a"):
        c = client_for(getattr(o.users, who))
        for path in _paths(row).values():
            assert c.get(path).status_code == 200, (who, path)
        response = c.get(_paths(row)["searchable"])
        assert b"".join(response.streaming_content) == SEARCHABLE
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        page = c.get(reverse("letters:detail", args=[secret.pk])).content.decode()
        assert _paths(row)["searchable"] in page


def test_outsiders_tu_and_admin_never_get_a_secret_letters_text(
    o: SimpleNamespace, secret: Letter
) -> None:
    """TU and admin see a Rahasia letter's agenda line only: no file, no text."""
    row = _recognised(secret)
    for who in ("outsider", "tu", "admin", "kabid_b", "staf_a"):
        c = client_for(getattr(o.users, who))
        for name, path in _paths(row).items():
            assert c.get(path).status_code == 404, (who, name)
        assert c.post(reverse("ocr:retry", args=[row.pk])).status_code == 404
        page = c.get(reverse("letters:detail", args=[secret.pk]))
        assert _paths(row)["searchable"] not in page.content.decode()


def test_the_searchable_pdf_of_an_ordinary_letter_follows_its_readers(
    o: SimpleNamespace,
) -> None:
    letter = register(o)
    row = _recognised(letter)
    for who in ("kadis", "tu", "admin"):
        c = client_for(getattr(o.users, who))
        assert c.get(_paths(row)["original"]).status_code == 200
        assert c.get(_paths(row)["searchable"]).status_code == 200, who
    for who in ("outsider", "kadinkes"):
        c = client_for(getattr(o.users, who))
        assert c.get(_paths(row)["original"]).status_code == 404
        assert c.get(_paths(row)["searchable"]).status_code == 404, who


def test_another_tenant_gets_nothing(
    o: SimpleNamespace, secret: Letter, other_tenant: Any
) -> None:
    from warkat.tenancy.scope import tenant_scope

    rows = [_recognised(secret), _recognised(register(o))]
    with tenant_scope(other_tenant):
        foreign = build_org(other_tenant, prefix="g")
    for user in (foreign.users.kadis, foreign.users.admin, foreign.users.tu):
        c = client_for(user)
        with tenant_scope(other_tenant):
            for row in rows:
                for path in _paths(row).values():
                    assert c.get(path).status_code == 404
                assert c.post(reverse("ocr:retry", args=[row.pk])).status_code == 404
    for row in rows:
        row.refresh_from_db()
        assert row.state == TextState.DONE


def test_no_searchable_pdf_for_a_text_pdf(o: SimpleNamespace) -> None:
    letter = register(o)
    row = FileText.objects.get(letter=letter)
    FileText.objects.filter(pk=row.pk).update(state=TextState.DONE, source="text")
    c = client_for(o.users.kadis)
    assert c.get(_paths(row)["searchable"]).status_code == 404


def _failed(letter: Letter) -> FileText:
    row = FileText.objects.get(letter=letter)
    FileText.objects.filter(pk=row.pk).update(
        state=TextState.FAILED, attempts=3, error="timeout"
    )
    row.refresh_from_db()
    return row


def test_a_failed_reading_is_shown_and_tu_starts_it_again(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    letter = register(o)
    row = _failed(letter)
    page = client_for(o.users.kadis).get(reverse("letters:detail", args=[letter.pk]))
    body = page.content.decode()
    assert "after 3 attempts" in body or "setelah 3 percobaan" in body
    # The addressee reads it but does not keep the agenda: no button, and refused.
    assert reverse("ocr:retry", args=[row.pk]) not in body
    c = client_for(o.users.kadis)
    assert c.post(reverse("ocr:retry", args=[row.pk])).status_code == 403
    tu = client_for(o.users.tu)
    tu_page = tu.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert reverse("ocr:retry", args=[row.pk]) in tu_page
    with django_capture_on_commit_callbacks(execute=True):
        response = tu.post(reverse("ocr:retry", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.source, row.error) == ("done", "text", "")
    assert row.attempts == 1
    assert AuditEvent.objects.filter(action="ocr.retry").count() == 1
    # Only a failed reading starts again.
    assert tu.post(reverse("ocr:retry", args=[row.pk])).status_code == 409


def test_the_panel_polls_while_a_text_is_waiting(o: SimpleNamespace) -> None:
    letter = register(o)
    c = client_for(o.users.kadis)
    panel = c.get(reverse("ocr:letter_texts", args=[letter.pk]), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    assert 'hx-trigger="every 5s"' in panel.content.decode()
    FileText.objects.filter(letter=letter).update(state=TextState.DONE, source="text")
    panel = c.get(reverse("ocr:letter_texts", args=[letter.pk]))
    assert "hx-trigger" not in panel.content.decode()


def test_a_follow_up_file_gets_its_text_with_the_follow_up_files_checks(
    o: SimpleNamespace, secret: Letter
) -> None:
    disposition = secret.dispositions.get()
    report = SimpleUploadedFile("laporan.pdf", sample_pdf(["Laporan tindak lanjut"]))
    followup_create(
        actor=o.users.kabid_a, disposition=disposition, text="Sudah", files=[report]
    )
    row = FileText.objects.get(followup_file__isnull=False)
    assert row.letter_id == secret.pk
    assert row.state == TextState.PENDING
    name = default_storage.save("x/searchable.pdf", ContentFile(SEARCHABLE))
    FileText.objects.filter(pk=row.pk).update(
        state=TextState.DONE, source="ocr", searchable_name=name
    )
    original = reverse("dispositions:file", args=[row.followup_file_id])
    searchable = reverse("ocr:searchable", args=[row.pk])
    for who in ("kadis", "kabid_a"):
        c = client_for(getattr(o.users, who))
        assert c.get(original).status_code == 200
        assert c.get(searchable).status_code == 200
    for who in ("outsider", "tu", "admin"):
        c = client_for(getattr(o.users, who))
        assert c.get(original).status_code == 404
        assert c.get(searchable).status_code == 404
