"""Reading the text of letter and follow-up files: a text PDF's own text, OCR of
scans and images into a searchable PDF/A, failures retried then shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from warkat.letters.models import Letter
from warkat.letters.tests.factories import pdf_upload, register
from warkat.ocr.models import FileText, TextState
from warkat.ocr.samples import letter_lines, scan_image, scan_pdf
from warkat.ocr.signals import file_text_ready
from warkat.ocr.tasks import file_text_extract, file_texts_sweep

pytestmark = pytest.mark.django_db

#: The word only the scan holds (OCR must read it).
WORD = "Skofro"


def scan_upload(name: str = "pindaian.pdf", pages: int = 1) -> SimpleUploadedFile:
    data = scan_pdf([letter_lines(page=i + 1, word=WORD) for i in range(pages)])
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def registered(o: SimpleNamespace, capture: Any, *files: Any, **kw: Any) -> Letter:
    """A letter registered with ``files``; its readings run at commit."""
    with capture(execute=True):
        return register(o, files=list(files), **kw)


@pytest.fixture
def ready_signals() -> Any:
    got: list[FileText] = []

    def listen(sender: Any, file_text: FileText, **kwargs: Any) -> None:
        got.append(file_text)

    file_text_ready.connect(listen)
    yield got
    file_text_ready.disconnect(listen)


def test_a_text_pdf_is_read_not_ocred(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any, ready_signals: Any
) -> None:
    letter = registered(
        o, django_capture_on_commit_callbacks, pdf_upload(text="Rencana pembangunan")
    )
    row = FileText.objects.get(letter=letter)
    assert row.state == TextState.DONE
    assert row.source == "text"
    assert "Rencana pembangunan" in row.text
    assert row.pages == 1
    assert row.searchable_name == ""
    assert row.attempts == 1
    assert [t.pk for t in ready_signals] == [row.pk]
    assert ready_signals[0].state == TextState.DONE


def test_a_scan_is_ocred_into_a_searchable_pdfa_beside_the_original(
    o: SimpleNamespace,
    django_capture_on_commit_callbacks: Any,
    ready_signals: Any,
    media: Path,
) -> None:
    letter = registered(o, django_capture_on_commit_callbacks, scan_upload())
    original = letter.files.get()
    before = default_storage.open(original.storage_name).read()
    row = FileText.objects.get(letter_file=original)
    assert row.state == TextState.DONE, row.error
    assert row.source == "ocr"
    assert WORD in row.text
    assert "panen kakao" in row.text
    assert row.pages == 1
    # Beside the original, under the same {tenant}/{yyyy}/{mm}/{uuid}.pdf convention.
    folder = original.storage_name.rsplit("/", 1)[0]
    assert row.searchable_name.startswith(folder + "/")
    assert row.searchable_name.endswith(".pdf")
    searchable = default_storage.open(row.searchable_name).read()
    assert b"pdfaid:part" in searchable  # PDF/A metadata
    # The original is untouched.
    assert default_storage.open(original.storage_name).read() == before
    # Sent twice: once the pages are read, before the PDF/A (searchable at once),
    # then with the stored PDF/A.
    assert [t.pk for t in ready_signals] == [row.pk, row.pk]
    early, done = ready_signals
    assert early.state == TextState.RUNNING
    assert early.source == "ocr"
    assert WORD in early.text
    assert early.searchable_name == ""
    assert done.state == TextState.DONE


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_an_image_is_ocred(
    o: SimpleNamespace, django_capture_on_commit_callbacks: Any, fmt: str
) -> None:
    data = scan_image(letter_lines(word=WORD), fmt=fmt)
    upload = SimpleUploadedFile(f"foto.{fmt.lower()}", data)
    letter = registered(o, django_capture_on_commit_callbacks, upload)
    row = FileText.objects.get(letter=letter)
    assert row.state == TextState.DONE, row.error
    assert row.source == "ocr"
    assert WORD in row.text
    assert row.searchable_name


def test_a_tiff_is_ocred(o: SimpleNamespace) -> None:
    """TIFF is not accepted at upload today, but a stored one is read."""
    from warkat.ocr.processing import file_text_read

    letter = register(o)
    f = letter.files.get()
    data = scan_image(letter_lines(word=WORD), fmt="TIFF")
    name = default_storage.save(f"{o.tenant.pk}/2026/12/scan.tif", _content(data))
    type(f).objects.filter(pk=f.pk).update(storage_name=name, content_type="image/tiff")
    row = FileText.objects.get(letter_file=f)
    assert file_text_read(file_text_id=row.pk).state == "done"
    row.refresh_from_db()
    assert WORD in row.text


def _content(data: bytes) -> Any:
    from django.core.files.base import ContentFile

    return ContentFile(data)


def _corrupt(row: FileText) -> None:
    """Make the stored scan unreadable (as a disk fault would)."""
    name = row.file.storage_name
    default_storage.delete(name)
    default_storage.save(name, _content(b"%PDF-1.4\n garbage, not a PDF"))


def test_a_damaged_file_is_retried_then_failed_and_the_letter_stays_usable(
    o: SimpleNamespace, settings: Any, ready_signals: Any
) -> None:
    from warkat.letters.tests.factories import client_for

    settings.WARKAT_OCR_ATTEMPTS = 2
    letter = register(o, files=[scan_upload()])
    row = FileText.objects.get(letter=letter)
    _corrupt(row)
    args = {"tenant_id": row.tenant_id, "file_text_id": row.pk}
    assert file_text_extract.call(**args) == "retry"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error) == ("pending", 1, "damaged")
    assert row.next_attempt_at is not None
    # Not due yet: a second task does nothing.
    assert file_text_extract.call(**args) == "skipped"
    FileText.objects.filter(pk=row.pk).update(
        next_attempt_at=row.next_attempt_at - dt.timedelta(minutes=5)
    )
    assert file_text_extract.call(**args) == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error) == ("failed", 2, "damaged")
    assert ready_signals == []
    # The letter page still works and says so.
    page = client_for(o.users.kadis).get(f"/surat/{letter.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="file-texts"' in body
    assert "hx-trigger" not in body.split('id="file-texts"')[1].split(">")[0]


def test_a_timeout_stops_the_run_and_counts_an_attempt(
    o: SimpleNamespace, settings: Any
) -> None:
    from warkat.ocr.processing import file_text_read

    settings.WARKAT_OCR_ATTEMPTS = 1
    letter = register(o, files=[scan_upload()])
    row = FileText.objects.get(letter=letter)
    assert file_text_read(file_text_id=row.pk, timeout=1).state == "failed"
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error) == ("failed", 1, "timeout")
    assert row.searchable_name == ""


def test_the_sweep_retries_due_rows_and_releases_runs_of_a_dead_worker(
    o: SimpleNamespace, settings: Any
) -> None:
    from django.utils import timezone

    settings.WARKAT_OCR_ATTEMPTS = 2
    letter = register(o)
    row = FileText.objects.get(letter=letter)
    # A worker died while reading it: running, started long ago.
    long_ago = timezone.now() - dt.timedelta(hours=2)
    FileText.objects.filter(pk=row.pk).update(
        state=TextState.RUNNING, attempts=1, started_at=long_ago
    )
    assert file_texts_sweep(tenant_id=o.tenant.pk) == 1  # released and read
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("done", 2)
    # A dead second run with no attempts left is failed, and says why.
    FileText.objects.filter(pk=row.pk).update(
        state=TextState.RUNNING, started_at=long_ago
    )
    assert file_texts_sweep(tenant_id=o.tenant.pk) == 0
    row.refresh_from_db()
    assert (row.state, row.error) == ("failed", "interrupted")


def test_a_lost_first_run_is_queued_by_the_sweep(o: SimpleNamespace) -> None:
    from django.utils import timezone

    letter = register(o)  # its task never ran (no commit in this test)
    row = FileText.objects.get(letter=letter)
    assert row.state == TextState.PENDING
    assert file_texts_sweep(tenant_id=o.tenant.pk) == 0  # too young to be lost
    FileText.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert file_texts_sweep(tenant_id=o.tenant.pk) == 1
    row.refresh_from_db()
    assert row.state == TextState.DONE


def test_backfill_gives_older_files_their_text(o: SimpleNamespace) -> None:
    from django.core.management import call_command

    letter = register(o)
    FileText.objects.filter(letter=letter).delete()  # stored before OCR existed
    call_command("file_texts_backfill", stdout=_Null())
    row = FileText.objects.get(letter=letter)
    assert row.state == TextState.PENDING
    call_command("file_texts_backfill", stdout=_Null())  # once only
    assert FileText.objects.filter(letter=letter).count() == 1


class _Null:
    def write(self, text: str) -> None:
        pass
