"""Destruction: usul musnah → committee → approval → berita acara signed by TTE →
files destroyed, metadata kept; legal holds; nothing without the signed berita
acara; an interrupted destruction destroys all or nothing and resumes."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from warkat.archive import destruction
from warkat.archive.destruction import (
    destruction_plan,
    destruction_run,
    disposal_resume,
)
from warkat.archive.models import (
    DestructionRecord,
    DisposalBatch,
    DisposalItem,
    LegalHold,
)
from warkat.archive.selectors.disposal import due_letters
from warkat.archive.services.setup import hold_place, hold_release
from warkat.archive.tasks import disposal_sweep
from warkat.archive.tests.conftest import old_letter
from warkat.archive.tests.flow import destruction as make
from warkat.archive.tests.flow import signers
from warkat.audit.models import AuditEvent
from warkat.core.errors import DomainError
from warkat.drafting.models import Draft
from warkat.drafting.sending import letter_sign
from warkat.drafting.tests.factories import PASSPHRASE, approved, otp
from warkat.letters.models import Letter, LetterEvent, LetterFile
from warkat.letters.tests.conftest import stored_files
from warkat.signing.documents import signed_open
from warkat.signing.models import SignedDocument
from warkat.signing.verification import verification_by_code

pytestmark = pytest.mark.django_db


def _ready(arc: SimpleNamespace) -> None:
    signers(arc, "kabag_umum", "bupati")


def test_destruction_end_to_end(
    arc: SimpleNamespace,
    frozen: Any,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _ready(arc)
    a, b = old_letter(arc, 2019), old_letter(arc, 2020)
    keep = old_letter(arc, 2024)
    with django_capture_on_commit_callbacks(execute=True):
        batch = make(arc, [a, b], upto="signed", frozen=frozen)
    batch = DisposalBatch.objects.get(pk=batch.pk)
    assert batch.state == "done" and batch.signed_at and batch.done_at
    # The letters stay, their files are gone; the keeper's file is untouched.
    assert Letter.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
    assert not LetterFile.objects.filter(letter__in=[a, b]).exists()
    assert LetterFile.objects.filter(letter=keep).exists()
    records = DestructionRecord.objects.filter(batch=batch)
    assert (
        records.count() >= 2 and not records.filter(destroyed_at__isnull=True).exists()
    )
    names = set(records.values_list("storage_name", flat=True))
    left = {str(p.relative_to(media)) for p in stored_files(media)}
    assert not names & left
    # Left: the keeper's file and the two signed berita acara files.
    assert len([n for n in left if not n.startswith("signed/")]) == 1
    assert set(
        DisposalItem.objects.filter(batch=batch).values_list("state", flat=True)
    ) == {"done"}
    assert LetterEvent.objects.filter(letter=a, kind="destroyed").exists()
    # The berita acara: two signatures over one file, with the list appended.
    last = batch.signatures.get(order=2)
    reader = PdfReader(io.BytesIO(signed_open(last.document)))
    assert len(reader.get_fields() or {}) == 2
    text = "".join(p.extract_text() for p in reader.pages)
    assert (
        "BERITA ACARA PEMUSNAHAN ARSIP" in text and "Undangan rapat koordinasi" in text
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "archive.batch_proposed",
        "archive.batch_appraised",
        "archive.batch_approved",
        "archive.berita_acara_signed",
        "archive.batch_signed",
        "archive.destruction_started",
        "archive.files_destroyed",
    } <= actions
    # Destroyed letters are never due again.
    assert (
        not due_letters(kind="pemusnahan", today=dt.date(2026, 11, 4))
        .filter(pk=a.pk)
        .exists()
    )


def test_a_held_letter_is_never_proposed(arc: SimpleNamespace) -> None:
    letter = old_letter(arc, 2019)
    with pytest.raises(DomainError) as exc:
        hold_place(actor=arc.users.tu, letter=letter, reason="Perkara")
    assert exc.value.code == "archive.forbidden"
    hold = hold_place(
        actor=arc.users.arsiparis,
        letter=letter,
        reason="Perkara 12/Pdt.G/2026",
        case_reference="PN Jayapura",
    )
    with pytest.raises(DomainError) as exc:
        make(arc, [letter])
    assert exc.value.code == "archive.on_hold"
    with pytest.raises(DomainError):
        hold_place(actor=arc.users.arsiparis, letter=letter, reason="again")
    hold_release(actor=arc.users.arsiparis, hold=hold, reason="Perkara selesai")
    assert make(arc, [letter]).state == "proposed"
    assert {"archive.hold_placed", "archive.hold_released"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_a_hold_placed_on_a_listed_letter_stops_the_list(
    arc: SimpleNamespace, frozen: Any
) -> None:
    _ready(arc)
    letter = old_letter(arc, 2019)
    batch = make(arc, [letter], upto="approved")
    hold_place(actor=arc.users.arsiparis, letter=letter, reason="Perkara")
    with pytest.raises(DomainError) as exc:
        from warkat.archive.tests.flow import sign

        sign(arc, "kabag_umum", batch, frozen)
    assert exc.value.code == "archive.on_hold"
    assert not batch.signatures.filter(document__isnull=False).exists()


def test_nothing_is_destroyed_without_the_signed_berita_acara(
    arc: SimpleNamespace, media: Path, frozen: Any
) -> None:
    _ready(arc)
    letter = old_letter(arc, 2019)
    before = stored_files(media)
    batch = make(arc, [letter], upto="approved")
    from warkat.archive.tests.flow import sign

    sign(arc, "kabag_umum", batch, frozen)  # one of two signatures
    assert disposal_resume(batch_id=batch.pk).state == "approved"
    assert destruction_plan(batch_id=batch.pk).state == "approved"
    call_command("archive_disposal_resume", stdout=io.StringIO())
    assert LetterFile.objects.filter(letter=letter).exists()
    assert len(stored_files(media)) >= len(before)
    assert not DestructionRecord.objects.exists()
    # The database refuses a signed state without a signing time.
    with pytest.raises(IntegrityError), transaction.atomic():
        DisposalBatch.objects.filter(pk=batch.pk).update(state="destroying")


def _signed_batch(
    arc: SimpleNamespace, frozen: Any
) -> tuple[DisposalBatch, list[Letter]]:
    """Signed, its destruction not run (the on-commit task is not executed)."""
    _ready(arc)
    letters = [old_letter(arc, 2019), old_letter(arc, 2020), old_letter(arc, 2018)]
    batch = make(arc, letters, upto="signed", frozen=frozen)
    assert DisposalBatch.objects.get(pk=batch.pk).state == "signed"
    return batch, letters


def test_a_crash_before_the_plan_commits_destroys_nothing(
    arc: SimpleNamespace, frozen: Any, media: Path, monkeypatch: Any
) -> None:
    batch, letters = _signed_batch(arc, frozen)
    before = stored_files(media)

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(DestructionRecord.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        disposal_resume(batch_id=batch.pk)
    assert DisposalBatch.objects.get(pk=batch.pk).state == "signed"
    assert stored_files(media) == before
    assert LetterFile.objects.filter(letter__in=letters).count() == 3


def test_an_interrupted_destruction_resumes_and_destroys_everything(
    arc: SimpleNamespace, frozen: Any, media: Path, monkeypatch: Any
) -> None:
    batch, letters = _signed_batch(arc, frozen)
    destruction_plan(batch_id=batch.pk)
    real = destruction.default_storage

    class CrashOnThird:
        calls = 0

        def delete(self, name: str) -> None:
            CrashOnThird.calls += 1
            if CrashOnThird.calls == 3:
                raise OSError("storage went away")
            real.delete(name)

    monkeypatch.setattr(destruction, "default_storage", CrashOnThird())
    with pytest.raises(OSError):
        destruction_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == "destroying"
    records = DestructionRecord.objects.filter(batch=batch)
    assert records.filter(destroyed_at__isnull=False).count() == 2
    assert records.filter(destroyed_at__isnull=True).exists()
    # A second proposal of these letters is refused: they are on a list in progress.
    with pytest.raises(DomainError):
        make(arc, letters[:1])
    monkeypatch.setattr(destruction, "default_storage", real)
    out = io.StringIO()
    call_command("archive_disposal_resume", stdout=out)
    assert "done" in out.getvalue()
    batch.refresh_from_db()
    assert batch.state == "done"
    assert not records.filter(destroyed_at__isnull=True).exists()
    names = set(records.values_list("storage_name", flat=True))
    left = {str(p.relative_to(media)) for p in stored_files(media)}
    assert not names & left
    assert not LetterFile.objects.filter(letter__in=letters).exists()
    # Resuming again changes nothing.
    assert disposal_resume(batch_id=batch.pk).state == "done"


def test_a_signed_outgoing_letter_is_destroyed_with_its_signed_pdf(
    arc: SimpleNamespace, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signers(arc, "kadis", "kabag_umum", "bupati")
    draft = approved(arc)
    with django_capture_on_commit_callbacks(execute=True):
        letter_sign(
            actor=arc.users.kadis, draft=draft, passphrase=PASSPHRASE, otp=otp(frozen)
        )
    draft = Draft.objects.get(pk=draft.pk)
    Letter.objects.filter(pk=draft.letter_id).update(letter_date=dt.date(2019, 5, 2))
    doc = SignedDocument.objects.get(pk=draft.signed_document_id)
    assert verification_by_code(doc.verification_code).document == doc
    with django_capture_on_commit_callbacks(execute=True):
        batch = make(arc, [draft.letter], upto="signed", frozen=frozen)
    assert DisposalBatch.objects.get(pk=batch.pk).state == "done"
    assert DestructionRecord.objects.filter(batch=batch, source="signed").exists()
    assert SignedDocument.objects.filter(pk=doc.pk).exists()  # the record stays
    with pytest.raises(DomainError) as exc:
        verification_by_code(doc.verification_code)
    assert exc.value.code == "signing.document_destroyed"


def test_the_sweep_leaves_a_list_whose_letter_got_held_in_a_race(
    arc: SimpleNamespace, frozen: Any, media: Path
) -> None:
    batch, letters = _signed_batch(arc, frozen)
    # A hold that slipped in beside the last signature (hold_place refuses it now).
    LegalHold.objects.create(
        tenant=arc.tenant,
        letter=letters[0],
        reason="Perkara",
        placed_by=arc.users.arsiparis,
        placed_at=timezone.now(),
    )
    before = stored_files(media)
    assert disposal_sweep.call() == 0
    assert DisposalBatch.objects.get(pk=batch.pk).state == "signed"
    assert stored_files(media) == before


def test_destroyed_files_leave_the_search_index(
    arc: SimpleNamespace, frozen: Any
) -> None:
    from warkat.ocr.models import FileText
    from warkat.search.index import search_docs_refresh
    from warkat.search.models import SearchDoc

    batch, letters = _signed_batch(arc, frozen)
    file = LetterFile.objects.filter(letter=letters[0]).first()
    assert file is not None
    FileText.objects.update_or_create(
        tenant=arc.tenant,
        letter=letters[0],
        letter_file=file,
        defaults={"state": "done", "text": "Kwitansi pengadaan zorgvlied"},
    )
    search_docs_refresh(letter_ids=[letters[0].pk])
    assert "zorgvlied" in SearchDoc.objects.get(letter=letters[0]).body.lower()
    assert disposal_resume(batch_id=batch.pk).state == "done"
    assert not FileText.objects.filter(letter=letters[0]).exists()
    assert "zorgvlied" not in SearchDoc.objects.get(letter=letters[0]).body.lower()
