"""A letter's files removed after the archive destroyed them under a signed berita
acara of destruction (``warkat.archive.destruction``): the rows of its files, their
page pictures and texts go; the letter, its history and what each file was (kept
by the archive's ``DestructionRecord``) stay."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.dispositions.models import FollowUpFile
from warkat.letters.models import Letter, LetterEvent, LetterFile


@transaction.atomic
def letter_files_destroyed(*, letter: Letter, note: str, actor: Any = None) -> int:
    """Delete the file rows of ``letter`` and of its follow-ups (their storage
    objects are already gone) and add a history entry; returns how many rows.
    Idempotent: a second call finds nothing and records nothing."""
    followups = FollowUpFile.objects.filter(follow_up__disposition__letter=letter)
    files = LetterFile.objects.filter(letter=letter)
    count = files.count() + followups.count()
    if count == 0:
        return 0
    # Page pictures and texts (letters.LetterFilePage, ocr.FileText) cascade.
    followups.delete()
    files.delete()
    LetterEvent.objects.create(
        tenant=letter.tenant,
        letter=letter,
        at=timezone.now(),
        kind="destroyed",
        person_id=getattr(actor, "person_id", None),
        note=note[:500],
    )
    return count
