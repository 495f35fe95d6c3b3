"""Delivering a letter sent inside Warkat to a position, possibly of another
tenant: registered in the receiving unit's agenda book."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from warkat.audit.services import audit_record
from warkat.letters.files import CheckedFile, Upload, file_check, stored_files_guard
from warkat.letters.models import Letter, LetterEvent
from warkat.letters.services.incoming import (
    addressee_notify,
    incoming_letter_create,
    letter_files_attach,
)
from warkat.org.models import Position, Unit
from warkat.tenancy.clock import tenant_localdate
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants, tenant_scope


def receiving_unit(position: Position) -> Unit:
    """The unit whose agenda book receives letters for ``position``: the nearest OPD
    (or the Pemda root) at or above the position's unit."""
    unit = position.unit
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    chain = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    for pk in reversed(ids):
        candidate = chain.get(pk)
        if candidate and (candidate.is_opd or candidate.parent_id is None):
            return candidate
    return unit


def letter_receive_internal(
    *,
    source_letter: Letter,
    to_position_id: int,
    sender_institution: str,
    sender_name: str = "",
    files: Sequence[Upload] = (),
    is_copy: bool = False,
) -> Letter:
    """Deliver a letter sent inside Warkat to a position, possibly in another tenant
    (``is_copy``: as tembusan, for information only).

    Registers it in the receiving unit's agenda book like a letter the TU entered,
    with ``source_letter`` pointing at the sent letter. Idempotent per (source letter,
    position): a second call returns the letter already delivered.
    """
    # Cross-tenant by nature: the recipient position may belong to another Pemda.
    with all_tenants():
        position = Position.objects.select_related("unit", "tenant").get(
            pk=to_position_id
        )
        target = position.tenant
    checked = [file_check(upload=f) for f in files]
    with tenant_scope(target):
        existing = Letter.objects.filter(
            source_letter_id=source_letter.pk, addressed_position=position
        ).first()
        if existing is not None:
            return existing
        unit = receiving_unit(position)
        with stored_files_guard() as stored:
            names = [stored.store(tenant_id=target.pk, checked=c) for c in checked]
            try:
                with transaction.atomic():
                    letter = _deliver(
                        target=target,
                        unit=unit,
                        position=position,
                        source_letter=source_letter,
                        sender_institution=sender_institution,
                        sender_name=sender_name,
                        checked=checked,
                        names=names,
                        is_copy=is_copy,
                    )
            except IntegrityError:
                # Delivered concurrently by another worker: keep that one.
                found = Letter.objects.filter(
                    source_letter_id=source_letter.pk, addressed_position=position
                ).first()
                if found is None:
                    raise
                stored.discard()
                return found
    return letter


def _deliver(
    *,
    target: Tenant,
    unit: Unit,
    position: Position,
    source_letter: Letter,
    sender_institution: str,
    sender_name: str,
    checked: Sequence[CheckedFile],
    names: Sequence[str],
    is_copy: bool = False,
) -> Letter:
    # The receiving Pemda's day: it may sit in another time zone than the sender.
    received = tenant_localdate(target)
    letter = incoming_letter_create(
        tenant=target,
        unit=unit,
        addressed_position=position,
        subject=source_letter.subject,
        summary=source_letter.summary,
        classification=source_letter.classification,
        security=source_letter.security,
        urgency=source_letter.urgency,
        number=source_letter.number,
        letter_date=source_letter.letter_date or received,
        sender_institution=sender_institution,
        sender_name=sender_name,
        received_date=received,
        registered_by=None,
        source_letter=source_letter,
        is_copy=is_copy,
    )
    letter_files_attach(letter=letter, checked=checked, names=names, uploaded_by=None)
    LetterEvent.objects.create(
        tenant=target,
        letter=letter,
        at=timezone.now(),
        kind="delivered",
        note=letter.agenda_label,
    )
    audit_record(
        tenant=target,
        actor=None,
        action="letter.receive_internal",
        obj=letter,
        data={"source_letter": source_letter.pk, "agenda": letter.agenda_label},
    )
    addressee_notify(letter)
    return letter
