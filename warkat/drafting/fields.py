"""What a draft holds: recipients as entered (any tenant's positions and units, or
external addressees), the editable fields, their validation, how they are applied to
the draft and letter rows, and the snapshot kept as a version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.archive.models import ClassificationCode
from warkat.drafting import errors
from warkat.drafting.models import Draft, NaskahType, Recipient
from warkat.drafting.sanitize import body_clean
from warkat.drafting.signature import capacity_resolve
from warkat.letters.models import Letter, LetterFile, Security, Urgency
from warkat.org.models import Person, Position, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants

MAX_RECIPIENTS = 200


# --- recipients --------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientInput:
    """An addressee or tembusan as entered: a position or unit (possibly of another
    tenant) by id, or an external addressee by name."""

    role: str = Recipient.Role.TO
    kind: str = Recipient.Kind.POSITION
    target_id: int | None = None
    label: str = ""
    address: str = ""
    email: str = ""


def recipients_build(
    *, tenant: Tenant, items: Sequence[RecipientInput], internal_only: bool
) -> list[Recipient]:
    if len(items) > MAX_RECIPIENTS:
        raise errors.invalid(
            "too_many_recipients", _("Too many recipients."), "recipients"
        )
    built: list[Recipient] = []
    seen: set[tuple[str, str, int | str]] = set()
    for i, item in enumerate(items):
        if (
            item.role not in Recipient.Role.values
            or item.kind not in Recipient.Kind.values
        ):
            raise errors.invalid(
                "recipient_invalid", _("Unknown recipient role or kind."), "recipients"
            )
        row = Recipient(tenant=tenant, role=item.role, kind=item.kind, order=i)
        if item.kind == Recipient.Kind.EXTERNAL:
            if internal_only:
                raise errors.invalid(
                    "recipient_internal_only",
                    _("This naskah type goes to positions inside the Pemda only."),
                    "recipients",
                )
            if not item.label.strip():
                raise errors.invalid(
                    "recipient_label", _("Name the external addressee."), "recipients"
                )
            row.label = item.label.strip()[:300]
            row.address = item.address.strip()[:300]
            row.email = item.email.strip()[:254]
            if row.email and ("@" not in row.email or " " in row.email):
                raise errors.invalid(
                    "recipient_email",
                    _("%(email)s is not an e-mail address."),
                    "recipients",
                    email=row.email,
                )
            key: tuple[str, str, int | str] = (item.role, "x", row.label.casefold())
        else:
            target_tenant, name, tenant_name = internal_target(item)
            label = item.label.strip() or (
                name if target_tenant == tenant.pk else f"{name} {tenant_name}"
            )
            if internal_only and target_tenant != tenant.pk:
                raise errors.invalid(
                    "recipient_internal_only",
                    _("This naskah type goes to positions inside the Pemda only."),
                    "recipients",
                )
            row.target_id = item.target_id
            row.target_tenant_id = target_tenant
            row.label = label[:300]
            row.address = item.address.strip()[:300]
            key = (item.role, item.kind, item.target_id or 0)
        if key in seen:
            raise errors.invalid(
                "recipient_duplicate",
                _("%(label)s is listed twice."),
                "recipients",
                label=row.label,
            )
        seen.add(key)
        built.append(row)
    return built


def internal_target(item: RecipientInput) -> tuple[int, str, str]:
    """(tenant id, name, tenant name) of a position or unit, in any tenant."""
    # Cross-tenant on purpose: a letter may go to a position or unit of another Pemda;
    # only the public name and the tenant are read.
    with all_tenants():
        if item.kind == Recipient.Kind.POSITION:
            position = (
                Position.objects.filter(pk=item.target_id, is_active=True)
                .select_related("tenant")
                .first()
            )
            if position is None:
                raise errors.invalid(
                    "recipient_unknown",
                    _("Unknown or inactive position."),
                    "recipients",
                )
            return position.tenant_id, position.name, position.tenant.name
        unit = (
            Unit.objects.filter(pk=item.target_id, is_active=True)
            .select_related("tenant")
            .first()
        )
        if unit is None:
            raise errors.invalid(
                "recipient_unknown", _("Unknown or inactive unit."), "recipients"
            )
        if not Position.objects.filter(
            unit=unit, is_head=True, is_active=True
        ).exists():
            raise errors.invalid(
                "recipient_unit_headless",
                _("%(unit)s has no head position to receive the letter."),
                "recipients",
                unit=unit.name,
            )
        return unit.tenant_id, unit.name, unit.tenant.name


# --- drafts ---------------------------------------------------------------------------


@dataclass
class DraftFields:
    """What the drafter (or an editing reviewer) fills in."""

    subject: str
    body: str
    naskah_type: NaskahType
    signer_position: Position
    capacity: str = ""
    security: str = Security.BIASA
    urgency: str = Urgency.BIASA
    classification: ClassificationCode | None = None
    about: str = ""
    place: str = ""
    event_day: str = ""
    event_time: str = ""
    event_place: str = ""
    event_agenda: str = ""
    recipients: Sequence[RecipientInput] = ()
    duty_person_ids: Sequence[int] = ()
    duty_start: dt.date | None = None
    duty_end: dt.date | None = None


def fields_validate(fields: DraftFields, tenant: Tenant) -> None:
    if not fields.subject.strip():
        raise errors.invalid(
            "subject_required", _("The subject (hal) is required."), "subject"
        )
    if len(fields.subject) > 500:
        raise errors.invalid("subject_long", _("The subject is too long."), "subject")
    if fields.security not in Security.values:
        raise errors.invalid(
            "security_invalid", _("Unknown security level."), "security"
        )
    if fields.urgency not in Urgency.values:
        raise errors.invalid("urgency_invalid", _("Unknown urgency."), "urgency")
    if fields.naskah_type.tenant_id != tenant.pk or not fields.naskah_type.is_active:
        raise errors.invalid(
            "type_invalid", _("Choose an active naskah type."), "naskah_type"
        )
    if (
        fields.signer_position.tenant_id != tenant.pk
        or not fields.signer_position.is_active
    ):
        raise errors.invalid(
            "signer_invalid", _("Choose an active signing position."), "signer_position"
        )
    if fields.classification is not None and not fields.classification.has_retention:
        raise errors.invalid(
            "classification_invalid",
            _(
                "Choose a classification code that has a retention period (a leaf code)."
            ),
            "classification",
        )
    duty_validate(fields)


#: The naskah type whose signed letters send people on official duty.
DUTY_TYPE = "surat-tugas"
MAX_DUTY_PEOPLE = 200


def duty_validate(fields: DraftFields) -> None:
    """A surat tugas names its people and dates together; other types name none."""
    given = bool(fields.duty_person_ids) or fields.duty_start or fields.duty_end
    if not given:
        return
    if fields.naskah_type.code != DUTY_TYPE:
        raise errors.invalid(
            "duty_not_allowed",
            _("Only a surat tugas names people and dates of duty."),
            "duty_person_ids",
        )
    start, end = fields.duty_start, fields.duty_end
    if start is None or end is None or end < start or (end - start).days > 366:
        raise errors.invalid(
            "duty_dates",
            _("Give the first and last day of the duty (at most a year)."),
            "duty_start",
        )
    ids = set(fields.duty_person_ids)
    if not ids or len(ids) > MAX_DUTY_PEOPLE:
        raise errors.invalid(
            "duty_people", _("Name the people on duty."), "duty_person_ids"
        )
    # In the tenant's scope: another tenant's person is unknown here.
    if Person.objects.filter(pk__in=ids, is_active=True).count() != len(ids):
        raise errors.invalid(
            "duty_people_unknown",
            _("Some of the people on duty are not in this organisation."),
            "duty_person_ids",
        )


def fields_apply(draft: Draft, letter: Letter, fields: DraftFields) -> None:
    authority = capacity_resolve(
        signer_position=fields.signer_position, capacity=fields.capacity
    )
    letter.subject = fields.subject.strip()
    letter.security = fields.security
    letter.urgency = fields.urgency
    letter.classification = fields.classification
    draft.naskah_type = fields.naskah_type
    draft.body = body_clean(fields.body)
    draft.signer_position = fields.signer_position
    draft.capacity = authority.capacity
    draft.on_behalf_position = authority.on_behalf
    draft.ub_position = authority.ub
    draft.about = fields.about.strip()[:500]
    draft.place = fields.place.strip()[:120]
    draft.event_day = fields.event_day.strip()[:120]
    draft.event_time = fields.event_time.strip()[:120]
    draft.event_place = fields.event_place.strip()[:300]
    draft.event_agenda = fields.event_agenda.strip()[:500]
    draft.duty_person_ids = sorted(set(fields.duty_person_ids))
    draft.duty_start = fields.duty_start
    draft.duty_end = fields.duty_end


def recipients_replace(draft: Draft, rows: list[Recipient]) -> None:
    Recipient.objects.filter(draft=draft).delete()
    for row in rows:
        row.draft = draft
    Recipient.objects.bulk_create(rows)


def snapshot(draft: Draft, letter: Letter) -> dict[str, Any]:
    recipients = list(
        Recipient.objects.filter(draft=draft).order_by("-role", "order", "pk")
    )
    files = list(
        LetterFile.objects.filter(letter=letter, kind=LetterFile.Kind.ATTACHMENT)
        .order_by("pk")
        .values_list("original_name", flat=True)
    )
    return {
        "naskah_type": draft.naskah_type.name,
        "subject": letter.subject,
        "security": letter.security,
        "urgency": letter.urgency,
        "classification": letter.classification.code if letter.classification else "",
        "signer_position": draft.signer_position.name,
        "capacity": draft.capacity,
        "about": draft.about,
        "place": draft.place,
        "event": {
            "day": draft.event_day,
            "time": draft.event_time,
            "place": draft.event_place,
            "agenda": draft.event_agenda,
        },
        "duty": {
            "people": draft.duty_person_ids,
            "start": str(draft.duty_start or ""),
            "end": str(draft.duty_end or ""),
        },
        "to": [r.label for r in recipients if r.role == Recipient.Role.TO],
        "copies": [r.label for r in recipients if r.role == Recipient.Role.COPY],
        "attachments": files,
        "body": draft.body,
    }


def fields_of(draft: Draft) -> DraftFields:
    """The draft's current fields, as a starting point for a partial change."""
    letter = draft.letter
    return DraftFields(
        subject=letter.subject,
        body=draft.body,
        naskah_type=draft.naskah_type,
        signer_position=draft.signer_position,
        capacity=draft.capacity,
        security=letter.security,
        urgency=letter.urgency,
        classification=letter.classification,
        about=draft.about,
        place=draft.place,
        event_day=draft.event_day,
        event_time=draft.event_time,
        event_place=draft.event_place,
        event_agenda=draft.event_agenda,
        duty_person_ids=list(draft.duty_person_ids),
        duty_start=draft.duty_start,
        duty_end=draft.duty_end,
        recipients=[
            RecipientInput(
                role=r.role, kind=r.kind, target_id=r.target_id, label=r.label,
                address=r.address, email=r.email,
            )
            for r in Recipient.objects.filter(draft=draft).order_by("-role", "order", "pk")
        ],
    )  # fmt: skip
