"""Entering an incoming letter in a unit's agenda book, shared by registration
by the records clerk (TU), its correction and delivery inside Warkat: the agenda
number, the checks of the registration fields, the duplicate search, the files and
the notice to the addressee. Call these inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.archive.models import ClassificationCode
from warkat.core.errors import ValidationError
from warkat.letters.files import CheckedFile
from warkat.letters.models import (
    AgendaCounter,
    Direction,
    Letter,
    LetterFile,
    Security,
    Urgency,
)
from warkat.letters.services.page_queue import pages_schedule
from warkat.org.models import Position, Unit
from warkat.tenancy.models import Tenant


def agenda_allocate(*, tenant: Tenant, unit: Unit, direction: str, year: int) -> int:
    """Take the next agenda number of ``unit``'s book for ``year``.

    Must run inside the caller's transaction: the counter row stays locked until it
    commits, so concurrent registrations queue here and never share a number.
    """
    # Create the counter row if missing without failing when another transaction
    # creates it at the same moment; then lock it.
    AgendaCounter.objects.bulk_create(
        [AgendaCounter(tenant=tenant, unit=unit, direction=direction, year=year)],
        ignore_conflicts=True,
    )
    counter = AgendaCounter.objects.select_for_update().get(
        unit=unit, direction=direction, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def letter_duplicates(
    *, sender_institution: str, number: str, letter_date: dt.date | None
) -> list[Letter]:
    """Incoming letters already registered with the same sender, number and date."""
    if not number or letter_date is None:
        return []
    return list(
        Letter.objects.filter(
            direction=Direction.INCOMING,
            number__iexact=number.strip(),
            letter_date=letter_date,
            sender_institution__iexact=sender_institution.strip(),
        ).order_by("pk")[:5]
    )


def _check_choice(value: str, choices: Any, field: str) -> None:
    if value not in choices.values:
        raise ValidationError(
            "letter.invalid_choice",
            _("The value %(value)s is not allowed here."),
            field=field,
            params={"value": value},
        )


def incoming_validate(
    *,
    unit: Unit,
    addressed_position: Position,
    subject: str,
    classification: ClassificationCode | None,
    security: str,
    urgency: str,
    number: str,
    letter_date: dt.date | None,
    sender_institution: str,
    received_date: dt.date,
    only: frozenset[str] | None = None,
) -> None:
    """Check an incoming letter's registration fields (``only``: just those fields,
    for a correction that leaves the others as registered)."""

    def want(*names: str) -> bool:
        return only is None or any(n in only for n in names)

    if want("subject") and not subject.strip():
        raise ValidationError(
            "letter.subject_required", _("The subject is required."), field="subject"
        )
    if want("sender_institution") and not sender_institution.strip():
        raise ValidationError(
            "letter.sender_required",
            _("The sender institution is required."),
            field="sender_institution",
        )
    if want("number") and not number.strip():
        raise ValidationError(
            "letter.number_required",
            _("The sender's letter number is required."),
            field="number",
        )
    if want("security"):
        _check_choice(security, Security, "security")
    if want("urgency"):
        _check_choice(urgency, Urgency, "urgency")
    if want("classification") and (
        classification is None or not classification.has_retention
    ):
        raise ValidationError(
            "letter.classification_invalid",
            _(
                "Choose a classification code that has a retention period (a leaf code)."
            ),
            field="classification",
        )
    today = timezone.localdate()
    if want("received_date") and received_date > today:
        raise ValidationError(
            "letter.received_in_future",
            _("The date received cannot be in the future."),
            field="received_date",
        )
    if (
        want("letter_date", "received_date")
        and letter_date is not None
        and letter_date > received_date
    ):
        raise ValidationError(
            "letter.date_after_received",
            _("The letter date cannot be after the date received."),
            field="letter_date",
        )
    if not want("addressed_position"):
        return
    if not addressed_position.is_active:
        raise ValidationError(
            "letter.position_inactive",
            _("The addressed position is no longer active."),
            field="addressed_position",
        )
    if not Unit.objects.filter(
        pk=addressed_position.unit_id, path__startswith=unit.path
    ).exists():
        raise ValidationError(
            "letter.position_outside_unit",
            _("The addressed position is not in the receiving unit."),
            field="addressed_position",
        )


def incoming_letter_create(
    *, tenant: Tenant, unit: Unit, received_date: dt.date, **fields: Any
) -> Letter:
    year = received_date.year
    number = agenda_allocate(
        tenant=tenant, unit=unit, direction=Direction.INCOMING, year=year
    )
    letter = Letter(
        tenant=tenant,
        direction=Direction.INCOMING,
        unit=unit,
        received_date=received_date,
        agenda_year=year,
        agenda_number=number,
        status=Letter.IncomingStatus.NEW,
        **fields,
    )
    letter.save()
    return letter


def letter_files_attach(
    *,
    letter: Letter,
    checked: Sequence[CheckedFile],
    names: Sequence[str],
    uploaded_by: Any,
) -> None:
    # One save each, not bulk_create: a new file's post_save queues its text
    # (``warkat.ocr``), and a letter has a handful of files.
    for i, (c, name) in enumerate(zip(checked, names, strict=True)):
        LetterFile(
            tenant_id=letter.tenant_id,
            letter=letter,
            kind=LetterFile.Kind.MAIN if i == 0 else LetterFile.Kind.ATTACHMENT,
            storage_name=name,
            original_name=c.name,
            content_type=c.content_type,
            size=c.size,
            sha256=c.sha256,
            uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
        ).save()
    pages_schedule(letter=letter, content_types=[c.content_type for c in checked])


def addressee_notify(letter: Letter, *, kind: str = "letter.received") -> None:
    from warkat.notify.services import notify_positions

    notify_positions(
        tenant_id=letter.tenant_id,
        position_ids=[letter.addressed_position_id or 0],
        kind=kind,
        letter_id=letter.pk,
    )
