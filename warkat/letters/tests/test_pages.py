"""Page pictures of PDF letters: drawn after commit, served with the file's access
decision, shown on the letter page instead of a PDF frame, failures harmless."""

from __future__ import annotations

import datetime as dt
import io
import logging
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from warkat.letters.maintenance import orphan_sweep
from warkat.letters.models import Letter, LetterFilePage
from warkat.letters.pages import letter_pages_make
from warkat.letters.samples import sample_pdf
from warkat.letters.tasks import letter_pages_render
from warkat.letters.tests.factories import build_org, client_for, register

pytestmark = pytest.mark.django_db


def pdf_pages(count: int) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for n in range(1, count + 1):
        writer.add_page(
            PdfReader(io.BytesIO(sample_pdf([f"Halaman {n} surat uji"]))).pages[0]
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(count: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "surat.pdf", pdf_pages(count), content_type="application/pdf"
    )


def page_url(letter: Letter, number: int) -> str:
    f = letter.files.get()
    return reverse("letters:file_page", args=[letter.pk, f.pk, number])


def api_page_url(letter: Letter, number: int) -> str:
    f = letter.files.get()
    return f"/api/v1/letters/{letter.pk}/files/{f.pk}/pages/{number}"


def render(letter: Letter) -> int:
    return letter_pages_render.call(tenant_id=letter.tenant_id, letter_id=letter.pk)


@pytest.fixture
def drawn(o: SimpleNamespace, django_capture_on_commit_callbacks: Any) -> Letter:
    """A letter with a 2-page PDF, registered and drawn through the queued task."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        letter = register(o, files=[upload(2)])
    assert callbacks, "the page task is queued on commit"
    return letter


def test_registering_a_pdf_draws_its_pages(drawn: Letter) -> None:
    pages = list(LetterFilePage.objects.filter(file__letter=drawn).order_by("number"))
    assert [p.number for p in pages] == [1, 2]
    main = drawn.files.get()
    for p in pages:
        assert p.storage_name.startswith(
            main.storage_name.rsplit("/", 1)[0] + "/pages/"
        )
        with default_storage.open(p.storage_name, "rb") as fh:
            data = fh.read()
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert image.size == (p.width, p.height)
        assert p.width == 1100 and p.height > p.width  # A4 portrait


def test_running_the_task_again_changes_nothing(drawn: Letter, media: Path) -> None:
    before = sorted(LetterFilePage.objects.values_list("pk", "storage_name"))
    assert render(drawn) == 0
    assert sorted(LetterFilePage.objects.values_list("pk", "storage_name")) == before
    assert len(list(media.rglob("pages/*.jpg"))) == 2


def test_a_rerun_after_an_unrecorded_run_replaces_its_pictures(
    o: SimpleNamespace, media: Path
) -> None:
    letter = register(o, files=[upload(2)])  # no commit: nothing drawn yet
    assert render(letter) == 2
    LetterFilePage.objects.all().delete()  # as if the recording had failed
    assert render(letter) == 2
    names = set(LetterFilePage.objects.values_list("storage_name", flat=True))
    assert {str(p.relative_to(media)) for p in media.rglob("pages/*.jpg")} == names


def test_letter_page_shows_the_pictures_and_a_link_to_the_pdf(
    o: SimpleNamespace, drawn: Letter
) -> None:
    main = drawn.files.get()
    html = client_for(o.users.kadis).get(reverse("letters:detail", args=[drawn.pk]))
    content = html.content.decode()
    assert content.count('<img src="' + page_url(drawn, 1).rsplit("/", 1)[0]) == 2
    # The first page loads at once (it is what the reader sees first), the rest lazily.
    assert content.count('loading="eager"') == 1
    assert content.count('loading="lazy"') >= 1
    assert 'alt="Halaman 1"' in content and 'alt="Halaman 2"' in content
    assert 'width="1100"' in content
    pdf = reverse("letters:file", args=[drawn.pk, main.pk])
    assert (
        f'<a href="{pdf}" target="_blank" rel="noopener">Buka PDF asli</a>' in content
    )
    assert "<iframe" not in content


def test_letter_page_falls_back_to_the_frame_before_pages_are_drawn(
    o: SimpleNamespace,
) -> None:
    letter = register(o, files=[upload(2)])
    content = client_for(o.users.kadis).get(reverse("letters:detail", args=[letter.pk]))
    assert b"<iframe" in content.content
    assert b"/halaman/" not in content.content
    # A phone hides the frame (it shows black there): the original opens instead.
    pdf = reverse("letters:file", args=[letter.pk, letter.files.get().pk])
    assert f'<p class="original"><a href="{pdf}"'.encode() in content.content


def test_page_picture_for_the_addressee_and_the_api(
    o: SimpleNamespace, drawn: Letter
) -> None:
    c = client_for(o.users.kadis)
    for path in (page_url(drawn, 2), api_page_url(drawn, 2)):
        response = c.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private, max-age=")
        assert response["X-Content-Type-Options"] == "nosniff"
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        with Image.open(io.BytesIO(body)) as image:
            assert image.format == "JPEG"
    page = c.get(page_url(drawn, 1))
    assert page["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    assert c.get(page_url(drawn, 3)).status_code == 404
    assert c.get(api_page_url(drawn, 3)).status_code == 404
    files = c.get(f"/api/v1/letters/{drawn.pk}").json()["files"]
    assert files[0]["pages"] == [api_page_url(drawn, 1), api_page_url(drawn, 2)]


@pytest.mark.parametrize("who", ["outsider", "kadinkes"])
def test_page_picture_hidden_from_outsiders(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any, who: str
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        letter = register(o, files=[upload(1)], security="rahasia")
    assert LetterFilePage.objects.filter(file__letter=letter).count() == 1
    c = client_for(getattr(o.users, who))
    assert c.get(page_url(letter, 1)).status_code == 404
    assert c.get(api_page_url(letter, 1)).status_code == 404
    # The TU keeping the agenda book sees the agenda line only, not the pictures.
    assert client_for(o.users.tu).get(page_url(letter, 1)).status_code == 404
    assert client_for(o.users.kadis).get(page_url(letter, 1)).status_code == 200


def test_page_picture_hidden_from_another_tenant(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any, other_tenant: Any
) -> None:
    from warkat.tenancy.scope import tenant_scope

    with django_capture_on_commit_callbacks(execute=True):
        letter = register(o, files=[upload(1)], security="rahasia")
    paths = (page_url(letter, 1), api_page_url(letter, 1))
    with tenant_scope(other_tenant):
        foreign = build_org(other_tenant, prefix="g")
        for user in (foreign.users.kadis, foreign.users.admin):
            c = client_for(user)
            for path in paths:
                assert c.get(path).status_code == 404, path


def test_a_damaged_pdf_is_logged_and_leaves_the_frame(
    o: SimpleNamespace, media: Path, caplog: Any
) -> None:
    letter = register(o, files=[upload(2)])
    main = letter.files.get()
    (media / main.storage_name).write_bytes(b"%PDF-1.4\nnot really a pdf\n%%EOF\n")
    with caplog.at_level(logging.WARNING, logger="warkat.letters.pages"):
        assert render(letter) == 0
    assert "drawing the pages of letter file" in caplog.text
    assert not LetterFilePage.objects.exists()
    assert not list(media.rglob("pages/*"))
    page = client_for(o.users.kadis).get(reverse("letters:detail", args=[letter.pk]))
    assert page.status_code == 200 and b"<iframe" in page.content


def test_a_timeout_is_logged_and_records_nothing(
    o: SimpleNamespace, monkeypatch: Any, caplog: Any
) -> None:
    letter = register(o, files=[upload(1)])

    def slow(*args: Any, **kwargs: Any) -> Any:
        raise subprocess.TimeoutExpired(cmd=args[0], timeout=kwargs["timeout"])

    monkeypatch.setattr("warkat.letters.pages.subprocess.run", slow)
    with caplog.at_level(logging.WARNING, logger="warkat.letters.pages"):
        assert letter_pages_make(letter_id=letter.pk) == 0
    assert "timed out" in caplog.text
    assert not LetterFilePage.objects.exists()


def test_the_drawer_runs_under_a_memory_cap(
    o: SimpleNamespace, monkeypatch: Any, caplog: Any
) -> None:
    """A PDF that needs more memory than the cap is not drawn (here a cap far too
    small for pdftoppm even to start); the letter keeps its frame."""
    letter = register(o, files=[upload(1)])
    monkeypatch.setattr("warkat.letters.pages.MEMORY_LIMIT", 8 * 1024 * 1024)
    with caplog.at_level(logging.WARNING, logger="warkat.letters.pages"):
        assert letter_pages_make(letter_id=letter.pk) == 0
    assert not LetterFilePage.objects.exists()
    monkeypatch.undo()
    assert letter_pages_make(letter_id=letter.pk) == 1


def test_adding_a_pdf_later_draws_it(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from warkat.letters.services.files import letter_file_add

    letter = register(o, files=[])
    with django_capture_on_commit_callbacks(execute=True):
        letter_file_add(actor=o.users.tu, letter=letter, upload=upload(3))
    assert LetterFilePage.objects.filter(file__letter=letter).count() == 3


def test_orphan_sweep_leaves_the_pictures(
    drawn: Letter, media: Path, frozen: Any
) -> None:
    frozen.shift(dt.timedelta(hours=3))
    pictures = sorted(media.rglob("pages/*.jpg"))
    assert len(pictures) == 2
    orphan_sweep(tenant=drawn.tenant)
    assert sorted(media.rglob("pages/*.jpg")) == pictures
    assert (media / drawn.files.get().storage_name).exists()


def test_letter_page_queries_do_not_grow_with_pages(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(o.users.kadis)

    def count(letter: Letter) -> int:
        path = reverse("letters:detail", args=[letter.pk])
        c.get(path)  # the first visit records the read
        with CaptureQueriesContext(connection) as ctx:
            response = c.get(path)
            assert response.status_code == 200
        return len(ctx.captured_queries)

    with django_capture_on_commit_callbacks(execute=True):
        one = register(o, files=[upload(1)])
    with django_capture_on_commit_callbacks(execute=True):
        five = register(o, files=[upload(5)])
    assert LetterFilePage.objects.filter(file__letter=five).count() == 5
    assert count(one) == count(five)


def test_backfill_queues_letters_without_pictures(
    o: SimpleNamespace, media: Path
) -> None:
    from django.core.management import call_command

    letter = register(o, files=[upload(2)])  # no commit: nothing drawn yet
    out = io.StringIO()
    call_command("letter_pages_backfill", tenant=o.tenant.slug, stdout=out)
    assert f"{o.tenant.slug}: 1 letters queued" in out.getvalue()
    assert LetterFilePage.objects.filter(file__letter=letter).count() == 2
    out = io.StringIO()
    call_command("letter_pages_backfill", stdout=out)
    assert f"{o.tenant.slug}: 0 letters queued" in out.getvalue()
