"""Reporting a follow-up (tindak lanjut): text, files and a reply letter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.errors import ValidationError
from warkat.dispositions.errors import (
    reply_letter_not_found,
)
from warkat.dispositions.models import (
    Disposition,
    FollowUp,
    FollowUpFile,
    State,
)
from warkat.dispositions.rules import (
    reply_letter_find,
)
from warkat.dispositions.workflow import (
    acting_capacity,
    event_record,
    letter_status_refresh,
    lock_disposition,
    mark_read,
    notify_disposition,
    require_transition,
    target_state,
    tenant_of,
)
from warkat.letters.files import Upload, file_check, stored_files_guard
from warkat.letters.models import Letter


def followup_create(
    *,
    actor: Any,
    disposition: Disposition,
    text: str,
    files: Sequence[Upload] = (),
    reply_letter: Letter | None = None,
) -> FollowUp:
    """Report a tindak lanjut: text, optional files and a link to a reply letter."""
    capacity = acting_capacity(actor, disposition.to_position_id)
    if not text.strip():
        raise ValidationError(
            "followup.text_required",
            _("Describe the follow-up."),
            field="text",
        )
    if (
        reply_letter is not None
        and reply_letter_find(user=actor, letter_id=reply_letter.pk) is None
    ):
        raise reply_letter_not_found()
    checked = [file_check(upload=f) for f in files]
    with stored_files_guard() as stored:
        names = [
            stored.store(tenant_id=disposition.tenant_id, checked=c) for c in checked
        ]
        with transaction.atomic():
            d = lock_disposition(disposition)
            now = timezone.now()
            if d.state == State.SENT:
                mark_read(d, actor, capacity, now)
            require_transition("follow_up", d)
            follow_up = FollowUp.objects.create(
                tenant_id=d.tenant_id,
                disposition=d,
                person_id=actor.person_id,
                capacity=capacity,
                text=text.strip(),
                reply_letter=reply_letter,
                created_at=now,
            )
            # One save each, not bulk_create: a new file's post_save queues its
            # text (``warkat.ocr``).
            for c, name in zip(checked, names, strict=True):
                FollowUpFile(
                    tenant_id=d.tenant_id,
                    follow_up=follow_up,
                    storage_name=name,
                    original_name=c.name,
                    content_type=c.content_type,
                    size=c.size,
                    sha256=c.sha256,
                    uploaded_by=actor,
                ).save()
            d.state = target_state("follow_up", d.state)
            d.followed_up_at = d.followed_up_at or now
            d.state_changed_at = now
            d.state_changed_by_id = actor.person_id
            d.state_changed_capacity = capacity
            d.save(
                update_fields=[
                    "state",
                    "followed_up_at",
                    "state_changed_at",
                    "state_changed_by",
                    "state_changed_capacity",
                ]
            )
            event_record(
                d=d,
                kind="followed_up",
                actor=actor,
                capacity=capacity,
                position_id=d.to_position_id,
                note=follow_up.text[:500],
                at=now,
            )
            letter_status_refresh(letter_id=d.letter_id)
            audit_record(
                tenant=tenant_of(d),
                actor=actor,
                action="disposition.follow_up",
                obj=d,
                capacity=capacity,
                data={"follow_up": follow_up.pk, "files": len(names)},
            )
            notify_disposition(
                d, "disposition.followed_up", [d.from_position_id], actor
            )
    return follow_up


# The name the reference uses.
tindak_lanjut_create = followup_create
