"""Registering incoming letters: agenda numbers, validation, duplicates, files."""

from __future__ import annotations

import datetime as dt
import os
import threading
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from warkat.core.errors import Conflict, PermissionDenied, ValidationError
from warkat.letters.errors import StorageUnavailable
from warkat.letters.models import AgendaCounter, Letter, LetterEvent, LetterFile
from warkat.letters.samples import sample_png
from warkat.letters.tests.conftest import NOW, stored_files
from warkat.letters.tests.factories import leaf_code, pdf_upload, register

pytestmark = pytest.mark.django_db


def test_register_allocates_agenda_numbers_per_unit_and_year(
    o: SimpleNamespace,
) -> None:
    first = register(o)
    second = register(o)
    assert (first.agenda_number, second.agenda_number) == (1, 2)
    assert first.agenda_label == "1/2026"
    # Another unit keeps its own book.
    o.users.admin._warkat_tu_units = set()
    other = register(
        o, actor=o.users.admin, unit=o.other, addressed_position=o.pos.kadinkes
    )
    assert other.agenda_number == 1
    # A new year starts again at 1.
    next_year = register(
        o, received_date=dt.date(2025, 12, 31), letter_date=dt.date(2025, 12, 30)
    )
    assert (next_year.agenda_year, next_year.agenda_number) == (2025, 1)
    assert first.status == Letter.IncomingStatus.NEW
    assert LetterEvent.objects.filter(letter=first, kind="registered").count() == 1


def test_register_stores_files_with_hash_under_tenant_folder(
    o: SimpleNamespace, media
) -> None:
    letter = register(
        o, files=[pdf_upload(), SimpleUploadedFile("foto.png", sample_png())]
    )
    files = list(LetterFile.objects.filter(letter=letter).order_by("pk"))
    assert [f.kind for f in files] == ["main", "attachment"]
    assert files[0].storage_name.startswith(f"{o.tenant.pk}/2026/11/")
    assert (
        files[0].storage_name.endswith(".pdf") and files[1].content_type == "image/png"
    )
    assert len(files[0].sha256) == 64 and files[0].size > 100
    assert len(stored_files(media)) == 2


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("surat.pdf", b"MZ\x90\x00" + b"\x00" * 200, "only PDF, JPG and PNG"),
        ("surat.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n" + b"x" * 50, "damaged"),
        ("foto.pdf", sample_png(), "its name says PDF but its content is PNG"),
        ("kosong.pdf", b"", "empty"),
    ],
)
def test_corrupt_or_disguised_file_is_refused_and_nothing_written(
    o: SimpleNamespace, media, name: str, content: bytes, fragment: str
) -> None:
    with pytest.raises(ValidationError) as info:
        register(o, files=[SimpleUploadedFile(name, content)])
    assert info.value.code == "file.refused"
    assert fragment in info.value.text("en")
    assert info.value.text("id") != info.value.text("en")  # translated
    assert Letter.objects.count() == 0
    assert stored_files(media) == []


def test_file_over_the_limit_is_refused(o: SimpleNamespace, settings) -> None:
    settings.WARKAT_UPLOAD_MAX_BYTES = 200
    with pytest.raises(ValidationError, match="larger than"):
        register(o)
    assert Letter.objects.count() == 0


def test_storage_failure_leaves_no_letter_row(o: SimpleNamespace, monkeypatch) -> None:
    from django.core.files.storage import FileSystemStorage

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "save", broken)
    with pytest.raises(StorageUnavailable) as info:
        register(o)
    assert info.value.status_code == 503
    assert Letter.objects.count() == 0
    assert AgendaCounter.objects.count() == 0


def test_transaction_failure_leaves_no_orphan_file(
    o: SimpleNamespace, media, monkeypatch
) -> None:
    import warkat.letters.services.registration as services

    def failing_audit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        register(o, files=[pdf_upload(), pdf_upload("lampiran.pdf")])
    assert Letter.objects.count() == 0
    assert stored_files(media) == []


def test_outer_rollback_orphan_is_swept(o: SimpleNamespace, media) -> None:
    """A caller's transaction that rolls back after the service returned leaves a
    file behind; the periodic sweep removes it once it is old enough."""
    from warkat.letters.maintenance import orphan_sweep

    kept = register(o)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        register(o, subject="Dibatalkan")
        raise Abort
    assert len(stored_files(media)) == 2
    assert orphan_sweep(tenant=o.tenant) == []  # too fresh: may still commit
    old = (NOW - dt.timedelta(hours=3)).timestamp()
    for path in stored_files(media):
        os.utime(path, (old, old))
    removed = orphan_sweep(tenant=o.tenant)
    assert len(removed) == 1
    remaining = stored_files(media)
    assert len(remaining) == 1
    assert str(remaining[0]).endswith(kept.files.get().storage_name)


def test_duplicate_is_flagged_unless_confirmed(o: SimpleNamespace) -> None:
    first = register(o, number="100/XI/2026")
    with pytest.raises(Conflict) as info:
        register(
            o,
            number="100/xi/2026 ",
            sender_institution="dinas kominfo provinsi papua",
        )
    assert info.value.code == "letter.duplicate"
    assert info.value.details[0]["letter_id"] == first.pk
    assert Letter.objects.count() == 1
    again = register(o, number="100/XI/2026", confirm_duplicate=True)
    assert again.agenda_number == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"subject": "  "}, "letter.subject_required"),
        ({"sender_institution": ""}, "letter.sender_required"),
        ({"number": ""}, "letter.number_required"),
        ({"security": "penting"}, "letter.invalid_choice"),
        ({"urgency": "kilat"}, "letter.invalid_choice"),
        ({"received_date": dt.date(2026, 11, 5)}, "letter.received_in_future"),
        ({"letter_date": dt.date(2026, 11, 4)}, "letter.date_after_received"),
    ],
)
def test_bad_input_is_refused(o: SimpleNamespace, change: dict, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        register(o, **change)
    assert info.value.code == code
    assert Letter.objects.count() == 0


def test_grouping_code_and_foreign_position_are_refused(o: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="leaf code"):
        register(o, classification=leaf_code("000.1"))
    with pytest.raises(ValidationError) as info:
        register(o, addressed_position=o.pos.kadinkes)
    assert info.value.code == "letter.position_outside_unit"


def test_only_tu_of_the_unit_or_admin_registers(o: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        register(o, actor=o.users.staf_a)
    with pytest.raises(PermissionDenied):
        register(o, unit=o.other, addressed_position=o.pos.kadinkes)
    assert register(o, actor=o.users.admin).agenda_number == 1


@pytest.mark.skipif(
    not settings.IS_POSTGRES,
    reason="SQLite serialises writers itself; row locks are tested on PostgreSQL",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrations_never_share_an_agenda_number(
    o: SimpleNamespace,
) -> None:
    from warkat.tenancy.scope import tenant_scope

    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(i: int) -> None:
        try:
            with tenant_scope(o.tenant):
                barrier.wait()
                letter = register(o, number=f"900/{i}/2026", files=[])
                results.append(letter.agenda_number or 0)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == list(range(1, 9))
