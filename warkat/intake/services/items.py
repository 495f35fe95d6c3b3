"""Items in the TU's mail-in queue: recording them, completing one into a
registration (the person's act), discarding one with a reason."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.archive.models import ClassificationCode
from warkat.audit.services import audit_record
from warkat.core.errors import DomainError
from warkat.intake import errors
from warkat.intake.models import InboundFile, InboundItem
from warkat.letters.access import is_tenant_admin, tu_unit_ids
from warkat.letters.files import CheckedFile, StoredFiles, file_open
from warkat.letters.models import Letter, Security, Urgency
from warkat.letters.services.registration import letter_register
from warkat.org.models import Position, Unit


def item_files_store(
    *, item: InboundItem, checked: Sequence[CheckedFile], stored: StoredFiles
) -> None:
    """Store ``checked`` as the item's files (inside the caller's transaction)."""
    for c in checked:
        InboundFile.objects.create(
            tenant_id=item.tenant_id,
            item=item,
            storage_name=stored.store(tenant_id=item.tenant_id, checked=c),
            original_name=c.name,
            content_type=c.content_type,
            size=c.size,
            sha256=c.sha256,
        )


def refusal_fields(exc: DomainError) -> dict[str, Any]:
    return {
        "state": InboundItem.State.REFUSED,
        "reason": exc.text("id"),
        "reason_en": exc.text("en"),
    }


def _check_tu(actor: Any, item: InboundItem) -> None:
    if not (is_tenant_admin(actor) or item.unit_id in tu_unit_ids(actor)):
        raise errors.item_forbidden()


def _locked_pending(actor: Any, item_id: int) -> InboundItem:
    item = InboundItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise errors.item_not_found()
    _check_tu(actor, item)
    if item.state != InboundItem.State.PENDING:
        raise errors.item_handled()
    return item


class NamedBytes(io.BytesIO):
    """Bytes with a file name, read like an upload (``letters.files.file_check``)."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def _uploads(item: InboundItem) -> list[NamedBytes]:
    uploads = []
    for f in item.files.all():
        with file_open(f.storage_name) as handle:
            uploads.append(NamedBytes(handle.read(), f.original_name))
    return uploads


def item_complete(
    *,
    actor: Any,
    item_id: int,
    addressed_position: Position,
    subject: str,
    classification: ClassificationCode | None,
    number: str,
    letter_date: dt.date | None,
    sender_institution: str,
    sender_name: str = "",
    summary: str = "",
    security: str = Security.BIASA,
    urgency: str = Urgency.BIASA,
    confirm_duplicate: bool = False,
) -> Letter:
    """Register the item as an incoming letter of its unit through the ordinary
    registration (``letter_register``: its checks, agenda number, audit and
    notification), then mark the item registered; all or nothing."""
    with transaction.atomic():
        item = _locked_pending(actor, item_id)
        unit: Unit = item.unit
        letter = letter_register(
            actor=actor,
            unit=unit,
            addressed_position=addressed_position,
            subject=subject,
            classification=classification,
            number=number,
            letter_date=letter_date,
            sender_institution=sender_institution,
            sender_name=sender_name,
            summary=summary,
            security=security,
            urgency=urgency,
            files=_uploads(item),
            confirm_duplicate=confirm_duplicate,
        )
        item.state = InboundItem.State.REGISTERED
        item.letter = letter
        item.handled_by = actor
        item.handled_at = timezone.now()
        item.save(update_fields=["state", "letter", "handled_by", "handled_at"])
        audit_record(
            tenant=item.tenant,
            actor=actor,
            action="intake.item_register",
            obj=item,
            data={
                "letter": letter.pk,
                "agenda": letter.agenda_label,
                "source": item.source,
            },
        )
    return letter


def item_discard(*, actor: Any, item_id: int, reason: str) -> InboundItem:
    """Put an item aside without registering it; the reason is kept and audited."""
    reason = reason.strip()
    if not reason:
        raise errors.reason_required()
    with transaction.atomic():
        item = _locked_pending(actor, item_id)
        item.state = InboundItem.State.DISCARDED
        item.reason = item.reason_en = reason[:2000]
        item.handled_by = actor
        item.handled_at = timezone.now()
        item.save(
            update_fields=["state", "reason", "reason_en", "handled_by", "handled_at"]
        )
        audit_record(
            tenant=item.tenant,
            actor=actor,
            action="intake.item_discard",
            obj=item,
            data={"reason": item.reason[:200], "source": item.source},
        )
    return item
