"""Signal receivers that keep the index fresh inside the writing transaction.

Connected in ``SearchConfig.ready()``: letters, dispositions and the OCR app send
ordinary signals and never import search."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from warkat.audit.models import AuditEvent
from warkat.core.coalesce import once_at_end
from warkat.dispositions.models import Disposition, FollowUp
from warkat.letters.bulk import bulk_fields_watch, letters_updated
from warkat.letters.models import Letter, LetterEvent
from warkat.ocr.signals import file_text_ready
from warkat.search.index import LETTER_FIELDS, search_docs_refresh


def _refresh_letters(letter_ids: list[int]) -> None:
    search_docs_refresh(letter_ids=letter_ids)


def _refresh(letter_id: int | None) -> None:
    """Refresh the letter's index row now, or once at the end of the writing
    service's ``core.coalesce.coalesced()`` block (a signing writes the letter,
    its event and two audit events: one refresh, not four)."""
    if letter_id:
        once_at_end(_refresh_letters, [letter_id])


def letter_saved(sender: Any, instance: Letter, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields and not set(LETTER_FIELDS) & set(fields)):
        return
    _refresh(instance.pk)


def event_saved(sender: Any, instance: LetterEvent, **kwargs: Any) -> None:
    if not kwargs.get("raw") and instance.note:
        _refresh(instance.letter_id)


def disposition_saved(sender: Any, instance: Disposition, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields and not {"note", "state_note"} & set(fields)):
        return
    if instance.note or instance.state_note:
        _refresh(instance.letter_id)


def follow_up_saved(sender: Any, instance: FollowUp, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        _refresh(
            Disposition.objects.filter(pk=instance.disposition_id)
            .values_list("letter_id", flat=True)
            .first()
        )


def audit_recorded(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Every change to a letter or its chain is audited in its transaction, also
    those written in bulk (dispositions, their events): refresh that letter."""
    if kwargs.get("raw") or not kwargs.get("created"):
        return
    kind, pk = instance.object_type, instance.object_id
    if not pk.isdigit():
        return
    if kind == "letters.letter":
        _refresh(int(pk))
    elif kind == "dispositions.disposition":
        _refresh(
            Disposition.objects.filter(pk=int(pk))
            .values_list("letter_id", flat=True)
            .first()
        )


def file_text_saved(sender: Any, file_text: Any, **kwargs: Any) -> None:
    _refresh(file_text.letter_id)


def letters_bulk_updated(
    sender: Any, letter_ids: list[int], fields: frozenset[str], **kwargs: Any
) -> None:
    """A queryset ``update()`` of indexed fields (``letters.bulk``)."""
    if set(LETTER_FIELDS) & fields:
        once_at_end(_refresh_letters, letter_ids)


def connect() -> None:
    uid = "warkat.search"
    post_save.connect(letter_saved, sender=Letter, dispatch_uid=f"{uid}.letter")
    post_save.connect(event_saved, sender=LetterEvent, dispatch_uid=f"{uid}.event")
    post_save.connect(
        disposition_saved, sender=Disposition, dispatch_uid=f"{uid}.disposition"
    )
    post_save.connect(follow_up_saved, sender=FollowUp, dispatch_uid=f"{uid}.follow_up")
    post_save.connect(audit_recorded, sender=AuditEvent, dispatch_uid=f"{uid}.audit")
    file_text_ready.connect(file_text_saved, dispatch_uid=f"{uid}.file_text")
    bulk_fields_watch(LETTER_FIELDS)
    letters_updated.connect(letters_bulk_updated, dispatch_uid=f"{uid}.bulk")
