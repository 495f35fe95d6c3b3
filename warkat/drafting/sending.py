"""Signing an approved letter (number, PDF, TTE in one transaction), delivering it,
and the number register's reservations and voids.

Signing follows the two-step contract of ``signing.documents``: the signer is proven
(TOTP + passphrase) before the transaction, so wrong passphrases are counted even
though the signing transaction rolls back; then, in one transaction, the rows are
locked in a fixed order (draft → letter → number counter), the number is taken, the
PDF rendered and signed, and the signed artefact stored. Any failure (TSA or BSrE
unreachable, a crash) rolls everything back: the letter stays approved and unsigned
and the counter gives its number back.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.drafting import errors
from warkat.drafting.models import (
    Delivery,
    Draft,
    NaskahType,
    NumberEntry,
    Recipient,
    ReviewStep,
    StepKind,
    StepState,
)
from warkat.drafting.notices import draft_notify
from warkat.drafting.numbering import (
    NumberContext,
    counter_next,
    number_render,
    pattern_for,
    pattern_parse,
)
from warkat.drafting.render import date_id, draft_render
from warkat.drafting.services import (
    State,
    _audit,
    _event,
    _lock,
    holder_kind,
    transition_check,
)
from warkat.drafting.signature import Authority, signature_block
from warkat.letters.access import is_tenant_admin, tu_unit_ids
from warkat.letters.models import SECRET_LEVELS, Letter
from warkat.letters.services import letter_receive_internal, receiving_unit
from warkat.org.models import Position, Unit
from warkat.org.selectors import holds_position
from warkat.signing.documents import (
    StampInfo,
    document_sign,
    footer_text,
    signed_files_guard,
    signed_open,
    signer_unlock,
    verification_code_new,
    verification_url,
)
from warkat.signing.models import SignedDocument
from warkat.tenancy.clock import tenant_localdate
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants

log = logging.getLogger(__name__)


def tenant_today(tenant: Tenant) -> dt.date:
    """Today in the Pemda's own time zone (WIB/WITA/WIT): the letter's date."""
    return tenant_localdate(tenant)


def numbering_unit(position: Position) -> Unit:
    """The unit whose register numbers letters signed from ``position``: its OPD,
    or the Pemda root."""
    return receiving_unit(position)


def _stamp(draft: Draft, signer_kind: str) -> StampInfo:
    block = signature_block(
        authority=Authority(
            capacity=draft.capacity,
            on_behalf=draft.on_behalf_position,
            ub=draft.ub_position,
        ),
        signer_position=draft.signer_position,
        signer_kind=signer_kind,
        person=draft.signed_by,
        naskah_type=draft.naskah_type,
    )
    return StampInfo(
        position="\n".join(line.rstrip(",") for line in block.lines),
        name=block.name,
        nip=block.nip,
    )


def letter_sign(*, actor: Any, draft: Draft, passphrase: str, otp: str) -> Draft:
    """Sign an approved letter: allocate its number, render the final PDF/A, sign it
    (PAdES with timestamp) and queue delivery after commit. All or nothing."""
    if draft.state != State.APPROVED:
        raise errors.wrong_state(State(draft.state).label, _("signed"))
    if holder_kind(actor=actor, position=draft.signer_position) is None:
        raise errors.not_signer()
    tenant = draft.tenant
    # Outside the transaction on purpose (see the module docstring).
    credential = signer_unlock(
        tenant=tenant, signer_person=actor.person, signer_user=actor,
        passphrase=passphrase, otp=otp,
    )  # fmt: skip
    with signed_files_guard(), transaction.atomic():
        locked = _lock(draft)
        letter = Letter.objects.select_for_update().get(pk=locked.letter_id)
        locked.letter = letter
        transition_check(locked, State.SIGNED, _("signed"))
        day = tenant_today(tenant)
        # Who may sign is decided on the letter's own date, in the Pemda's time zone.
        assignment = holds_position(
            person=actor.person, position=locked.signer_position, on=day
        )
        if assignment is None:
            raise errors.not_signer()
        unit = numbering_unit(locked.signer_position)
        parts = pattern_parse(pattern_for(locked.naskah_type))
        sequence = counter_next(
            tenant=tenant, unit=unit, naskah_type=locked.naskah_type, year=day.year
        )
        letter.number = number_render(
            parts,
            NumberContext(
                sequence=sequence,
                classification=letter.classification.code
                if letter.classification
                else "",
                unit_code=unit.code,
                date=day,
                security=letter.security,
            ),
        )
        letter.letter_date = day
        locked.signer_kind = assignment.kind
        locked.signed_by = actor.person
        code = verification_code_new()
        rendered = draft_render(
            draft=locked,
            signer=assignment,
            footer=footer_text(tenant=tenant, verification_url=verification_url(code)),
        )
        result = document_sign(
            credential=credential,
            pdf_bytes=rendered.pdf,
            stamp=_stamp(locked, assignment.kind),
            field_box=rendered.signature_box,
            verification_code=code,
            security=letter.security,
            letter_number=letter.number,
            letter_date=day,
            reason=f"{locked.naskah_type.name}: {letter.subject}"[:200],
            location=locked.place,
        )
        now = timezone.now()
        NumberEntry.objects.create(
            tenant=tenant, unit=unit, naskah_type=locked.naskah_type, year=day.year,
            sequence=sequence, number=letter.number, kind=NumberEntry.Kind.SIGNED,
            letter=letter, subject=letter.subject[:500], taken_at=now, taken_by=actor,
        )  # fmt: skip
        letter.status = State.SIGNED
        letter.save(update_fields=["number", "letter_date", "status", "updated_at"])
        locked.state = State.SIGNED
        locked.signed_at = now
        locked.signed_document_id = result.document.pk
        locked.save()
        ReviewStep.objects.filter(
            draft=locked, round=locked.round, kind=StepKind.SIGNER
        ).update(
            state=StepState.SIGNED, acted_by=actor.person, acted_capacity=assignment.kind,
            acted_at=now, version=locked.version,
        )  # fmt: skip
        _event(locked, "signed", actor=actor, capacity=assignment.kind,
               position=locked.signer_position, note=letter.number)  # fmt: skip
        _audit(locked, "sign", actor=actor, capacity=assignment.kind, number=letter.number,
               sequence=sequence, document=result.document.pk)  # fmt: skip
        deliveries_create(draft=locked)
        draft_notify(draft=locked, event="signed")
        tenant_id, draft_id = tenant.pk, locked.pk
        transaction.on_commit(lambda: _enqueue_delivery(tenant_id, draft_id))
    draft.__dict__.update(locked.__dict__)
    return locked


def _enqueue_delivery(tenant_id: int, draft_id: int) -> None:
    from warkat.drafting.tasks import deliver_letter

    deliver_letter.enqueue(tenant_id=tenant_id, draft_id=draft_id)


# --- delivery -------------------------------------------------------------------------


def deliveries_create(*, draft: Draft) -> list[Delivery]:
    """One pending delivery per addressee and tembusan that Warkat can reach: a
    position or unit (an inbox) or an e-mail address. Paper-only addressees get none."""
    rows = [
        Delivery(tenant_id=draft.tenant_id, draft=draft, recipient=r)
        for r in Recipient.objects.filter(draft=draft).order_by("-role", "order", "pk")
        if r.kind != Recipient.Kind.EXTERNAL or r.email
    ]
    return Delivery.objects.bulk_create(rows)


def _head_position_id(unit_id: int) -> int | None:
    # Cross-tenant on purpose: the unit may belong to another Pemda.
    with all_tenants():
        return (
            Position.objects.filter(unit_id=unit_id, is_head=True, is_active=True)
            .values_list("pk", flat=True)
            .first()
        )


def _sender(draft: Draft) -> tuple[str, str]:
    unit = draft.letter.unit
    institution = (
        f"{unit.name} {draft.tenant.name}" if unit.parent_id else draft.tenant.name
    )
    position = draft.signer_position.name
    return institution[:300], position[:200]


def delivery_run(*, delivery: Delivery) -> Delivery:
    """Deliver one pending recipient copy; records delivered or failed with the
    reason. Internal delivery is idempotent (``letter_receive_internal``)."""
    draft = Draft.objects.select_related(
        "letter", "signer_position", "tenant", "letter__unit"
    ).get(pk=delivery.draft_id)
    recipient = delivery.recipient
    document = SignedDocument.objects.get(pk=draft.signed_document_id)
    pdf = signed_open(document)
    filename = _filename(draft.letter)
    delivered_id: int | None = None
    error = ""
    try:
        if recipient.kind == Recipient.Kind.EXTERNAL:
            _email(draft=draft, recipient=recipient, pdf=pdf, filename=filename)
        else:
            position_id = (
                recipient.target_id
                if recipient.kind == Recipient.Kind.POSITION
                else _head_position_id(recipient.target_id or 0)
            )
            if position_id is None:
                raise _undeliverable(_("the unit has no head position any more"))
            institution, sender_name = _sender(draft)
            copy = letter_receive_internal(
                source_letter=draft.letter,
                to_position_id=position_id,
                sender_institution=institution,
                sender_name=sender_name,
                files=[ContentFile(pdf, name=filename)],
                is_copy=recipient.role == Recipient.Role.COPY,
            )
            delivered_id = copy.pk
    except Exception as exc:
        # Any failure is recorded on the delivery and shown on the letter page; a
        # person may retry it. Nothing else of the letter changes.
        log.warning("delivery %s failed: %s", delivery.pk, exc)
        error = str(exc)[:2000] or type(exc).__name__
    with transaction.atomic():
        row = Delivery.objects.select_for_update().get(pk=delivery.pk)
        row.attempts += 1
        row.status = Delivery.Status.FAILED if error else Delivery.Status.DELIVERED
        row.error = error
        row.delivered_letter_id = delivered_id
        row.save()
        audit_record(
            tenant=draft.tenant,
            actor=None,
            action="drafting.delivery",
            obj=draft.letter,
            data={
                "recipient": recipient.label,
                "status": row.status,
                "error": error[:200],
            },
        )
    return row


class Undeliverable(Exception):
    pass


def _undeliverable(reason: Any) -> Undeliverable:
    return Undeliverable(str(reason))


def _filename(letter: Letter) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in letter.number)
    return f"surat-{safe or letter.pk}.pdf"


def _email(*, draft: Draft, recipient: Recipient, pdf: bytes, filename: str) -> None:
    letter = draft.letter
    if letter.security in SECRET_LEVELS:
        # A secret letter never travels as a plain e-mail attachment.
        raise _undeliverable(
            _("secret letters are not sent by e-mail; deliver it on paper")
        )
    institution, sender_name = _sender(draft)
    body = (
        f"Yth. {recipient.label},\n\n"
        f"Terlampir {draft.naskah_type.name} nomor {letter.number} tanggal "
        f"{date_id(letter.letter_date)} perihal {letter.subject}, ditandatangani secara "
        f"elektronik oleh {sender_name}, {institution}.\n\n"
        "Keaslian dokumen dapat diperiksa dengan memindai kode QR pada surat.\n"
    )
    EmailMessage(
        subject=f"{draft.naskah_type.name} {letter.number}: {letter.subject}"[:250],
        body=body,
        to=[recipient.email],
        attachments=[(filename, pdf, "application/pdf")],
    ).send()


def deliveries_run(*, draft_id: int) -> list[Delivery]:
    """Run every pending delivery of a signed letter, then mark it sent."""
    done = []
    pending = Delivery.objects.filter(draft_id=draft_id, status=Delivery.Status.PENDING)
    for delivery in pending.select_related("recipient").order_by("pk"):
        done.append(delivery_run(delivery=delivery))
    letter_mark_sent(draft_id=draft_id)
    return done


@transaction.atomic
def letter_mark_sent(*, draft_id: int) -> bool:
    """signed → sent once no delivery is pending any more (failed ones stay
    visible and can be retried)."""
    draft = (
        Draft.objects.select_for_update(of=("self",))
        .select_related("letter")
        .get(pk=draft_id)
    )
    if draft.state != State.SIGNED:
        return False
    if Delivery.objects.filter(draft=draft, status=Delivery.Status.PENDING).exists():
        return False
    transition_check(draft, State.SENT, _("sent"))
    draft.state = State.SENT
    draft.sent_at = timezone.now()
    draft.save(update_fields=["state", "sent_at", "updated_at"])
    Letter.objects.filter(pk=draft.letter_id).update(status=State.SENT)
    _event(draft, "sent", actor=None)
    _audit(draft, "sent", actor=None)
    return True


def may_manage_register(user: Any, unit: Unit) -> bool:
    return is_tenant_admin(user) or unit.pk in tu_unit_ids(user)


@transaction.atomic
def delivery_retry(*, actor: Any, delivery: Delivery) -> Delivery:
    """TU (or the drafter) sends a failed delivery again."""
    row = (
        Delivery.objects.select_for_update()
        .select_related("draft", "draft__letter__unit")
        .get(pk=delivery.pk)
    )
    draft = row.draft
    # A secret letter stays with its chain: its register keepers do not see it.
    keeper = may_manage_register(actor, draft.letter.unit) and not (
        draft.letter.is_secret
    )
    if not (keeper or draft.drafter_id == getattr(actor, "person_id", None)):
        raise errors.not_tu()
    if row.status != Delivery.Status.FAILED:
        raise errors.wrong_state(Delivery.Status(row.status).label, _("sent again"))
    row.status = Delivery.Status.PENDING
    row.error = ""
    row.save(update_fields=["status", "error", "updated_at"])
    audit_record(tenant=draft.tenant, actor=actor, action="drafting.delivery_retry", obj=draft.letter,
                 data={"recipient": row.recipient_id})  # fmt: skip
    tenant_id, draft_id = draft.tenant_id, draft.pk
    transaction.on_commit(lambda: _enqueue_delivery(tenant_id, draft_id))
    return row


# --- number register ---------------------------------------------------------------------


@transaction.atomic
def number_reserve(
    *,
    actor: Any,
    unit: Unit,
    naskah_type: NaskahType,
    subject: str,
    classification_code: str = "",
    security: str = "biasa",
) -> NumberEntry:
    """TU takes the next number for a paper letter (e.g. during an outage). The
    number is in the same sequence as signed letters, so the register stays gap-free."""
    if not may_manage_register(actor, unit):
        raise errors.not_tu()
    if not subject.strip():
        raise errors.invalid(
            "subject_required", _("The subject (hal) is required."), "subject"
        )
    if naskah_type.tenant_id != unit.tenant_id:
        raise errors.invalid(
            "type_invalid", _("Choose an active naskah type."), "naskah_type"
        )
    tenant = unit.tenant
    day = tenant_today(tenant)
    parts = pattern_parse(pattern_for(naskah_type))
    sequence = counter_next(
        tenant=tenant, unit=unit, naskah_type=naskah_type, year=day.year
    )
    number = number_render(
        parts,
        NumberContext(sequence=sequence, classification=classification_code.strip(),
                      unit_code=unit.code, date=day, security=security),
    )  # fmt: skip
    entry = NumberEntry.objects.create(
        tenant=tenant, unit=unit, naskah_type=naskah_type, year=day.year, sequence=sequence,
        number=number, kind=NumberEntry.Kind.RESERVED, subject=subject.strip()[:500],
        taken_at=timezone.now(), taken_by=actor,
    )  # fmt: skip
    audit_record(tenant=tenant, actor=actor, action="drafting.number_reserve", obj=entry,
                 data={"number": number, "sequence": sequence, "unit": unit.code})  # fmt: skip
    return entry


@transaction.atomic
def number_void(*, actor: Any, entry: NumberEntry, reason: str) -> NumberEntry:
    """Void a number (a reserved number not used, or a signed letter withdrawn).
    The entry stays in the register, so the sequence shows no gap."""
    row = (
        NumberEntry.objects.select_for_update().select_related("unit").get(pk=entry.pk)
    )
    if not may_manage_register(actor, row.unit):
        raise errors.not_tu()
    if row.voided_at is not None:
        raise errors.wrong_state(_("void"), _("voided"))
    if not reason.strip():
        raise errors.invalid(
            "reason_required", _("Give the reason for voiding the number."), "reason"
        )
    row.voided_at = timezone.now()
    row.voided_by = actor
    row.void_reason = reason.strip()[:300]
    row.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit_record(tenant=row.unit.tenant, actor=actor, action="drafting.number_void", obj=row,
                 data={"number": row.number, "reason": row.void_reason})  # fmt: skip
    return row
