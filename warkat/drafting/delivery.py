"""Delivering a signed letter (the background work of ``tasks.deliver_letter``):
one copy per addressee and tembusan, into the inbox of a position or unit in
Warkat (``letters.services.letter_receive_internal``, idempotent) or by e-mail,
then the letter is marked sent. Never enqueues: signing (``sending``) and the
recovery sweep (``tasks``) queue it."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.drafting.models import Delivery, Draft, Recipient
from warkat.drafting.render import date_id
from warkat.drafting.workflow import (
    State,
    audit_drafting,
    event_record,
    transition_check,
)
from warkat.letters.models import SECRET_LEVELS, Letter
from warkat.letters.services.delivery import letter_receive_internal
from warkat.org.models import Position
from warkat.signing.documents import signed_open
from warkat.signing.models import SignedDocument
from warkat.tenancy.scope import all_tenants

log = logging.getLogger(__name__)


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
    event_record(draft, "sent", actor=None)
    audit_drafting(draft, "sent", actor=None)
    return True
