"""Correcting an incoming letter's registration (the TU of its unit or a tenant
admin): changed fields, re-routing to another addressee, sending a returned letter
again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.archive.models import ClassificationCode
from warkat.audit.services import audit_record
from warkat.core.errors import PermissionDenied, ValidationError
from warkat.letters.access import is_tenant_admin, tu_unit_ids
from warkat.letters.errors import duplicate_letter
from warkat.letters.integrity import correction_guard
from warkat.letters.models import SECRET_LEVELS, Direction, Letter, LetterEvent
from warkat.letters.services.incoming import (
    addressee_notify,
    incoming_validate,
    letter_duplicates,
)
from warkat.org.models import Position

#: The registration fields the TU may correct, in form order.
CORRECTABLE_FIELDS = (
    "sender_institution",
    "sender_name",
    "number",
    "letter_date",
    "received_date",
    "subject",
    "summary",
    "classification",
    "security",
    "urgency",
    "addressed_position",
)
#: Fields whose values a secret letter's audit trail keeps only as digests.
_CONTENT_FIELDS = frozenset({"subject", "summary"})
_DUPLICATE_FIELDS = frozenset({"sender_institution", "number", "letter_date"})


def _not_correctable() -> Any:
    from warkat.core.errors import Conflict

    return Conflict(
        "letter.not_correctable",
        _(
            "This letter has already been disposed or settled; its registration can "
            "no longer be corrected."
        ),
    )


def letter_correctable(*, actor: Any, letter: Letter) -> None:
    """Raise unless ``actor`` may correct ``letter`` now: the TU of its unit or a
    tenant admin, an incoming letter not yet disposed or settled (status "new", or
    "returned" to the TU by its addressee)."""
    if letter.direction != Direction.INCOMING:
        raise ValidationError(
            "letter.not_incoming", _("Only incoming letters can be corrected.")
        )
    if not (is_tenant_admin(actor) or letter.unit_id in tu_unit_ids(actor)):
        raise PermissionDenied(
            "letter.correct_forbidden",
            _(
                "Only the unit's records clerk (TU) or an administrator may correct "
                "this letter."
            ),
        )
    if letter.status not in (
        Letter.IncomingStatus.NEW,
        Letter.IncomingStatus.RETURNED,
    ):
        raise _not_correctable()


def _audit_value(value: Any) -> Any:
    if isinstance(value, ClassificationCode):
        return value.code
    if isinstance(value, Position):
        return {"id": value.pk, "name": value.name}
    return value


def _digest(value: Any) -> str:
    import hashlib

    return hashlib.sha256(str(value or "").encode()).hexdigest()


def _field_labels(names: Sequence[str]) -> str:
    """The changed fields' names (never their values) for the letter's history."""
    from django.utils import translation

    with translation.override("id"):
        return ", ".join(
            str(getattr(Letter._meta.get_field(n), "verbose_name", n)) for n in names
        )


def letter_update(
    *,
    actor: Any,
    letter: Letter,
    sender_institution: str | None = None,
    sender_name: str | None = None,
    number: str | None = None,
    letter_date: dt.date | None = None,
    received_date: dt.date | None = None,
    subject: str | None = None,
    summary: str | None = None,
    classification: ClassificationCode | None = None,
    security: str | None = None,
    urgency: str | None = None,
    addressed_position: Position | None = None,
    confirm_duplicate: bool = False,
) -> Letter:
    """The TU of the letter's unit (or a tenant admin) corrects the registration of
    an incoming letter that is not yet disposed; ``None`` leaves a field as it is.

    The agenda number stays. Changing the addressed position re-routes the letter
    (the new addressee is notified; the old one no longer sees it unless otherwise
    in its chain). A letter returned by its addressee is sent again (status "new",
    unread) even when nothing changed. A likely duplicate raises ``Conflict`` unless
    ``confirm_duplicate``, as at registration.
    """
    letter_correctable(actor=actor, letter=letter)
    given: dict[str, Any] = {
        name: value
        for name, value in {
            "sender_institution": sender_institution,
            "sender_name": sender_name,
            "number": number,
            "letter_date": letter_date,
            "received_date": received_date,
            "subject": subject,
            "summary": summary,
            "classification": classification,
            "security": security,
            "urgency": urgency,
            "addressed_position": addressed_position,
        }.items()
        if value is not None
    }
    given = {k: v.strip() if isinstance(v, str) else v for k, v in given.items()}
    with transaction.atomic():
        locked = Letter.objects.select_for_update().get(pk=letter.pk)
        letter_correctable(actor=actor, letter=locked)
        before = {name: getattr(locked, name) for name in CORRECTABLE_FIELDS}
        after = {**before, **given}
        changed = [
            name
            for name in CORRECTABLE_FIELDS
            if name in given and _audit_value(given[name]) != _audit_value(before[name])
        ]
        resend = locked.status == Letter.IncomingStatus.RETURNED
        if not changed and not resend:
            return locked
        incoming_validate(
            unit=locked.unit,
            addressed_position=after["addressed_position"],
            subject=after["subject"],
            classification=after["classification"],
            security=after["security"],
            urgency=after["urgency"],
            number=after["number"],
            letter_date=after["letter_date"],
            sender_institution=after["sender_institution"],
            received_date=after["received_date"],
            only=frozenset(changed),
        )
        correction_guard(
            actor=actor, letter=locked, before=before, after=after, changed=changed
        )
        if "received_date" in changed and after["received_date"].year != (
            locked.agenda_year
        ):
            raise ValidationError(
                "letter.received_year_fixed",
                _(
                    "The date received must stay in the agenda year %(year)s: the "
                    "agenda number is kept."
                ),
                field="received_date",
                params={"year": locked.agenda_year},
            )
        if _DUPLICATE_FIELDS & set(changed) and not confirm_duplicate:
            dupes = [
                d
                for d in letter_duplicates(
                    sender_institution=after["sender_institution"],
                    number=after["number"],
                    letter_date=after["letter_date"],
                )
                if d.pk != locked.pk
            ]
            if dupes:
                raise duplicate_letter(dupes[0].pk, dupes[0].agenda_label)
        secret = locked.is_secret or after["security"] in SECRET_LEVELS
        for name in changed:
            setattr(locked, name, after[name])
        rerouted = "addressed_position" in changed
        fields = [*changed, "updated_at"]
        if rerouted or resend:
            # The (new) addressee has not seen this version yet.
            locked.read_at = None
            fields.append("read_at")
        if resend:
            locked.status = Letter.IncomingStatus.NEW
            fields.append("status")
        locked.save(update_fields=fields)
        now = timezone.now()
        person_id = getattr(actor, "person_id", None)
        events = []
        if changed:
            events.append(
                LetterEvent(
                    tenant_id=locked.tenant_id,
                    letter=locked,
                    at=now,
                    kind="corrected",
                    person_id=person_id,
                    position_id=locked.addressed_position_id if rerouted else None,
                    note=_field_labels(changed),
                )
            )
        if resend:
            events.append(
                LetterEvent(
                    tenant_id=locked.tenant_id,
                    letter=locked,
                    at=now,
                    kind="resent",
                    person_id=person_id,
                    position_id=locked.addressed_position_id,
                )
            )
        LetterEvent.objects.bulk_create(events)
        diff: dict[str, Any] = {}
        for name in changed:
            if secret and name in _CONTENT_FIELDS:
                diff[name] = {
                    "before_sha256": _digest(before[name]),
                    "after_sha256": _digest(after[name]),
                }
            else:
                diff[name] = {
                    "before": _audit_value(before[name]),
                    "after": _audit_value(after[name]),
                }
        audit_record(
            tenant=locked.tenant,
            actor=actor,
            action="letter.correct",
            obj=locked,
            data={"changed": diff, "resent": resend},
        )
        if rerouted:
            addressee_notify(locked)
            former = before["addressed_position"]
            if former is not None:
                from warkat.notify.messages import REROUTED
                from warkat.notify.services import notify_positions

                notify_positions(
                    tenant_id=locked.tenant_id,
                    position_ids=[getattr(former, "pk", former)],
                    kind=REROUTED,
                    letter_id=locked.pk,
                )
        elif resend:
            addressee_notify(locked, kind="letter.corrected")
    return locked
