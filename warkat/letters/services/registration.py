"""Registering an incoming letter (the records clerk (TU) of the unit or a tenant
admin)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.archive.models import ClassificationCode
from warkat.audit.services import audit_record
from warkat.core.errors import PermissionDenied
from warkat.letters.access import is_tenant_admin, tu_unit_ids
from warkat.letters.errors import duplicate_letter
from warkat.letters.files import Upload, file_check, stored_files_guard
from warkat.letters.models import Letter, LetterEvent, Security, Urgency
from warkat.letters.services.incoming import (
    addressee_notify,
    incoming_letter_create,
    incoming_validate,
    letter_duplicates,
    letter_files_attach,
)
from warkat.org.models import Position, Unit


def _can_register(actor: Any, unit: Unit) -> bool:
    return is_tenant_admin(actor) or unit.pk in tu_unit_ids(actor)


def letter_register(
    *,
    actor: Any,
    unit: Unit,
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
    received_date: dt.date | None = None,
    files: Sequence[Upload] = (),
    confirm_duplicate: bool = False,
) -> Letter:
    """Register an incoming letter in ``unit``'s agenda book (TU of the unit or a
    tenant admin). Files are checked before anything is written; a likely duplicate
    raises ``Conflict`` unless ``confirm_duplicate``."""
    if not _can_register(actor, unit):
        raise PermissionDenied(
            "letter.register_forbidden",
            _(
                "Only the unit's records clerk (TU) or an administrator may register letters here."
            ),
        )
    received = received_date or timezone.localdate()
    incoming_validate(
        unit=unit,
        addressed_position=addressed_position,
        subject=subject,
        classification=classification,
        security=security,
        urgency=urgency,
        number=number,
        letter_date=letter_date,
        sender_institution=sender_institution,
        received_date=received,
    )
    checked = [file_check(upload=f) for f in files]
    if not confirm_duplicate:
        dupes = letter_duplicates(
            sender_institution=sender_institution,
            number=number,
            letter_date=letter_date,
        )
        if dupes:
            raise duplicate_letter(dupes[0].pk, dupes[0].agenda_label)
    tenant = unit.tenant
    with stored_files_guard() as stored:
        names = [stored.store(tenant_id=tenant.pk, checked=c) for c in checked]
        with transaction.atomic():
            letter = incoming_letter_create(
                tenant=tenant,
                unit=unit,
                addressed_position=addressed_position,
                subject=subject.strip(),
                summary=summary.strip(),
                classification=classification,
                security=security,
                urgency=urgency,
                number=number.strip(),
                letter_date=letter_date,
                sender_institution=sender_institution.strip(),
                sender_name=sender_name.strip(),
                received_date=received,
                registered_by=actor,
            )
            letter_files_attach(
                letter=letter, checked=checked, names=names, uploaded_by=actor
            )
            LetterEvent.objects.create(
                tenant=tenant,
                letter=letter,
                at=timezone.now(),
                kind="registered",
                person_id=getattr(actor, "person_id", None),
                note=letter.agenda_label,
            )
            audit_record(
                tenant=tenant,
                actor=actor,
                action="letter.register",
                obj=letter,
                data={"agenda": letter.agenda_label, "files": len(names)},
            )
            addressee_notify(letter)
    return letter
