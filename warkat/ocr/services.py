"""Writes of the text of files: a row (pending) for each new letter or follow-up
file with its reading queued, and a TU's or admin's new start after a failure."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from warkat.audit.services import audit_record
from warkat.core.queue import enqueue_durable
from warkat.dispositions.models import FollowUpFile
from warkat.letters.access import is_tenant_admin, tu_unit_ids
from warkat.letters.models import Letter, LetterFile
from warkat.ocr.errors import retry_forbidden, retry_not_failed
from warkat.ocr.models import FileText, TextState
from warkat.ocr.tasks import file_text_extract


def file_text_create(*, letter_id: int, stored: Any, field: str) -> FileText:
    """The pending text row of a newly stored file (``field``: "letter_file" or
    "followup_file"), its reading queued with the caller's transaction (the
    ``post_save`` receivers of ``apps.OcrConfig`` call this inside the service that
    stores the file). Idempotent."""
    with transaction.atomic():
        row, created = FileText.objects.get_or_create(
            **{field: stored},
            defaults={"tenant_id": stored.tenant_id, "letter_id": letter_id},
        )
        if created:
            enqueue_durable(
                file_text_extract, tenant_id=row.tenant_id, file_text_id=row.pk
            )
    return row


def file_text_retry(*, actor: Any, file_text: FileText, letter: Letter) -> FileText:
    """Start a failed reading again, with fresh attempts: the TU of the letter's
    unit or a tenant admin, who may read ``letter`` in full (the caller checked
    that: ``selectors.file_text_for_user``)."""
    if not (is_tenant_admin(actor) or letter.unit_id in tu_unit_ids(actor)):
        raise retry_forbidden()
    with transaction.atomic():
        locked = FileText.objects.select_for_update().get(pk=file_text.pk)
        if locked.state != TextState.FAILED:
            raise retry_not_failed()
        previous = locked.error
        locked.state = TextState.PENDING
        locked.attempts = 0
        locked.next_attempt_at = None
        locked.error = ""
        locked.save(
            update_fields=[
                "state",
                "attempts",
                "next_attempt_at",
                "error",
                "updated_at",
            ]
        )
        enqueue_durable(
            file_text_extract, tenant_id=locked.tenant_id, file_text_id=locked.pk
        )
        audit_record(
            tenant=letter.tenant,
            actor=actor,
            action="ocr.retry",
            obj=letter,
            data={"file_text": locked.pk, "error": previous},
        )
    return locked


def file_texts_backfill(*, limit: int) -> int:
    """Text rows and queued readings for stored files that have none (stored before
    the text of files was read), newest first, ``limit`` of each kind at most; inside
    the tenant's scope. Returns how many were queued."""
    count = 0
    for f in LetterFile.objects.filter(text__isnull=True).order_by("-pk")[:limit]:
        file_text_create(letter_id=f.letter_id, stored=f, field="letter_file")
        count += 1
    followups = (
        FollowUpFile.objects.filter(text__isnull=True)
        .select_related("follow_up__disposition")
        .order_by("-pk")[:limit]
    )
    for ff in followups:
        file_text_create(
            letter_id=ff.follow_up.disposition.letter_id,
            stored=ff,
            field="followup_file",
        )
        count += 1
    return count
