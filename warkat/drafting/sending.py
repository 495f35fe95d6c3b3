"""Signing an approved letter (number, PDF, TTE) and queuing its delivery; a failed
delivery sent again. The delivery itself is in ``delivery``, the number register's
reservations and voids in ``register``.

Signing follows the two-step contract of ``signing.documents``: the signer is proven
(TOTP + passphrase) before any transaction, so wrong passphrases are counted even
when the signing fails. Then three steps, so that the number counter, which every
signer of a unit's naskah type shares, is locked only for taking a number, never
while the PDF is rendered and signed (which takes a few hundred milliseconds: with
the lock held, signers of one counter queued at about 3 per second and a TOTP code
could expire in the queue):

1. ``number_take`` (short transaction; rows locked in the fixed order draft → letter
   → counter): takes the next number and records it in the register as *being
   signed* (``NumberEntry.Kind.PENDING``) for this letter. From this commit on the
   sequence has no gap: the number is attached to a letter.
2. no transaction, no lock: render the final PDF with that number and date (or
   draw the number into the letter rendered ahead, ``drafting.ahead``), sign it
   (``signature_make``: signature and timestamp). The number is printed in the PDF
   and the signature covers it, so the number must be known before signing;
   placing it after signing would break the signature.
3. ``_signed_record`` (short transaction; draft → letter → register entry): checks
   the letter is still approved in the same round and version and the number still
   its own, stores the signed PDF once (``document_store``), marks the entry
   *signed* and the letter signed, creates the deliveries and queues them with the
   transaction (``core.queue``).

Steps 1 and 3 append their audit events last, once everything else is written and
the letter's search row refreshed (``core.coalesce.already_fresh``): the tenant's
audit chain head, which every audited writer of the tenant queues on, is held
only from there to the commit. Step 1 changes no searchable text and refreshes
nothing (its counter lock is held for the number, the register entry and the
audit event only).

A failure in step 2 or 3 (TSA or BSrE unreachable) gives the number back to the
counter when no later number was taken meanwhile, so the register looks as if it
had never been taken; otherwise the number stays *being signed* for a retry. A
failure or a crash (kill -9) anywhere leaves no duplicate, no gap and no
half-signed letter: before step 1 commits nothing happened; between steps 1 and 3
the letter is still approved and unsigned with its number *being signed*; a file
written by a step 3 that did not commit is an orphan (``signed_orphans_sweep``). Signing
again takes up the same number the same day (also what two concurrent signings of
one letter do: the first to reach step 3 wins, the other gets "already signed"); a
number left *being signed* longer than ``recovery.PENDING_AFTER`` is voided with its
reason by the periodic sweep (``recovery.numbers_pending_sweep``), and a retry on
another day voids it too and takes a new number (the month and year are in it).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import AuditEntry, audit_record, audit_records
from warkat.core.coalesce import already_fresh, coalesced
from warkat.core.errors import DomainError
from warkat.core.memo import per_action
from warkat.core.queue import enqueue_durable
from warkat.drafting import errors
from warkat.drafting.ahead import ahead_take, work_copy
from warkat.drafting.batch_models import (
    SIGNED_IN_BATCH,
    RenderAhead,
    SigningBatch,
    SigningBatchItem,
)
from warkat.drafting.delivery import deliveries_create
from warkat.drafting.models import (
    Delivery,
    Draft,
    NumberEntry,
    ReviewStep,
    StepKind,
    StepState,
)
from warkat.drafting.numbering import (
    NumberContext,
    counter_next,
    number_render,
    pattern_for,
    pattern_parse,
)
from warkat.drafting.register import (
    PENDING_STALE_REASON,
    entry_day,
    may_manage_register,
    number_give_back,
    pending_void,
    tenant_today,
)
from warkat.drafting.render import draft_render
from warkat.drafting.services.notify import draft_notify
from warkat.drafting.signature import Authority, signature_block
from warkat.drafting.tasks import deliver_letter
from warkat.drafting.workflow import (
    State,
    audit_drafting_entry,
    event_record,
    holder_kind,
    lock_draft,
    transition_check,
)
from warkat.letters.models import Letter
from warkat.letters.services.delivery import receiving_unit
from warkat.org.models import Position, Unit
from warkat.org.selectors import holds_position
from warkat.signing.documents import (
    Signature,
    StampInfo,
    document_audit_entry,
    document_store,
    footer_text,
    signature_make,
    signed_files_guard,
    signer_unlock,
    verification_code_new,
    verification_url,
)

log = logging.getLogger(__name__)


@per_action  # once per batch of letters (``core.memo``)
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
    """Sign an approved letter: take its number, render the final PDF/A, sign it
    (PAdES with timestamp), store it and queue delivery, in the three steps of the
    module docstring. The letter is signed completely or not at all."""
    if draft.state != State.APPROVED:
        raise errors.wrong_state(State(draft.state).label, _("signed"))
    if holder_kind(actor=actor, position=draft.signer_position) is None:
        raise errors.not_signer()
    tenant = draft.tenant
    # Outside any transaction on purpose (see the module docstring).
    credential = signer_unlock(
        tenant=tenant, signer_person=actor.person, signer_user=actor,
        passphrase=passphrase, otp=otp,
    )  # fmt: skip
    taken = number_take(actor=actor, draft=draft)
    try:
        signed, _next = render_sign_record(
            actor=actor, draft=draft, taken=taken, credential=credential
        )
    except Exception:
        number_give_back(draft=draft, entry_id=taken.entry.pk)
        raise
    draft.__dict__.update(signed.__dict__)
    return signed


def render_sign_record(
    *,
    actor: Any,
    draft: Draft,
    taken: Taken,
    credential: Any,
    batch: SigningBatch | None = None,
    next_draft: Draft | None = None,
) -> tuple[Draft, Taken | None]:
    """Steps 2 and 3 of ``letter_sign`` (also of each letter of a batch,
    ``drafting.batches``, which passes the batch's ``next_draft`` to take its
    number in this letter's step 3: see ``number_take_next``). Returns the signed
    draft and the number taken for ``next_draft``, if any."""
    tenant = draft.tenant
    # Step 2: no transaction, no lock: the PDF with the number (rendered ahead
    # with the number drawn in, ``drafting.ahead``, or rendered now), then sign.
    work = work_copy(draft)
    ahead = ahead_take(
        work=work, assignment=taken.assignment, person=actor.person,
        day=taken.day, number=taken.entry.number,
    )  # fmt: skip
    work.letter.number = taken.entry.number
    work.letter.letter_date = taken.day
    work.signer_kind = taken.assignment.kind
    work.signed_by = actor.person
    if ahead is not None:
        rendered, code = ahead
    else:
        code = verification_code_new()
        rendered = draft_render(
            draft=work,
            signer=taken.assignment,
            footer=footer_text(tenant=tenant, verification_url=verification_url(code)),
        )
    stamp = _stamp(work, taken.assignment.kind)
    signature = signature_make(
        credential=credential, pdf_bytes=rendered.pdf, stamp=stamp,
        field_box=rendered.signature_box, verification_code=code,
        reason=f"{work.naskah_type.name}: {work.letter.subject}"[:200],
        location=work.place,
    )  # fmt: skip
    return _signed_record(
        actor=actor, draft=draft, taken=taken, credential=credential,
        signature=signature, stamp=stamp, batch=batch, next_draft=next_draft,
    )  # fmt: skip


@dataclass(frozen=True)
class Taken:
    """A number taken for a letter by ``number_take``, and what it was taken on."""

    entry: NumberEntry
    day: dt.date
    assignment: Any
    round: int
    version: int


@transaction.atomic
def number_take(*, actor: Any, draft: Draft) -> Taken:
    """Step 1: the only place the number counter is locked. Takes the next number
    for the letter and records it in the register as "being signed", or takes up
    the one an interrupted or concurrent signing of this letter took today."""
    with coalesced():
        taken, audit = _number_take(actor=actor, draft=draft)
    if audit is not None:
        # Last, so the tenant's audit chain head is held only from here to the
        # commit. Taking a number changes none of the letter's searchable texts
        # (the number is written in step 3): no refresh of its search row.
        with already_fresh():
            audit_records(tenant=draft.tenant, entries=[audit])
    return taken


def _number_take(
    *, actor: Any, draft: Draft, skip_locked: bool = False
) -> tuple[Taken, AuditEntry | None]:
    """``skip_locked``: ``DoesNotExist`` instead of waiting for the draft or its
    letter (``number_take_next``)."""
    tenant = draft.tenant
    locked = lock_draft(draft, skip_locked=skip_locked)
    letter = (
        Letter.objects.select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("classification")
        .get(pk=locked.letter_id)
    )
    transition_check(locked, State.SIGNED, _("signed"))
    day = tenant_today(tenant)
    # Who may sign is decided on the letter's own date, in the Pemda's time zone.
    assignment = holds_position(
        person=actor.person, position=locked.signer_position, on=day
    )
    if assignment is None:
        raise errors.not_signer()

    def taken(entry: NumberEntry) -> Taken:
        return Taken(entry=entry, day=day, assignment=assignment,
                     round=locked.round, version=locked.version)  # fmt: skip

    entry = (
        NumberEntry.objects.select_for_update()
        .filter(letter=letter, kind=NumberEntry.Kind.PENDING, voided_at__isnull=True)
        .first()
    )
    if entry is not None:
        if entry_day(entry, tenant) == day:
            return taken(entry), None
        # Taken on another day: the number carries that day's month and year.
        pending_void(entry=entry, reason=PENDING_STALE_REASON)
    unit = numbering_unit(locked.signer_position)
    parts = pattern_parse(pattern_for(locked.naskah_type))
    sequence = counter_next(
        tenant=tenant, unit=unit, naskah_type=locked.naskah_type, year=day.year
    )
    number = number_render(
        parts,
        NumberContext(
            sequence=sequence,
            classification=letter.classification.code if letter.classification else "",
            unit_code=unit.code,
            date=day,
            security=letter.security,
        ),
    )
    entry = NumberEntry.objects.create(
        tenant=tenant, unit=unit, naskah_type=locked.naskah_type, year=day.year,
        sequence=sequence, number=number, kind=NumberEntry.Kind.PENDING,
        letter=letter, subject=letter.subject[:500], taken_at=timezone.now(),
        taken_by=actor,
    )  # fmt: skip
    audit = audit_drafting_entry(locked, "number_take", actor=actor,
                                 capacity=assignment.kind, number=number,
                                 sequence=sequence)  # fmt: skip
    return taken(entry), audit


def _signed_record(
    *, actor: Any, draft: Draft, taken: Taken, credential: Any,
    signature: Signature, stamp: StampInfo, batch: SigningBatch | None = None,
    next_draft: Draft | None = None,
) -> tuple[Draft, Taken | None]:  # fmt: skip
    """Step 3: store the signed PDF and mark the letter signed, in one short
    transaction, if nothing changed since step 1 (same round and version, the
    number still this letter's); otherwise nothing is stored. In a batch, the
    letter's line of the batch is written in the same transaction, and so is
    step 1 of the batch's next letter (``number_take_next``)."""
    # One refresh of the letter's search row for the letter and its event
    # (``core.coalesce``), inside the transaction, before the audit chain head
    # is locked for the audit events (appended last).
    with signed_files_guard(), transaction.atomic():
        locked, audit = _signed_writes(
            actor=actor, draft=draft, taken=taken, credential=credential,
            signature=signature, stamp=stamp, batch=batch,
        )  # fmt: skip
        following = None
        if next_draft is not None:
            following = number_take_next(actor=actor, draft=next_draft)
            if following is not None and following[1] is not None:
                audit.append(following[1])
        # Last: the audit chain is the tenant's one queue of writers (see
        # ``document_store``); it is held only from here to the commit, and
        # locked once for both events, whose refresh of the letter's search
        # row has already run.
        with already_fresh():
            audit_records(tenant=draft.tenant, entries=audit)
    return locked, following[0] if following is not None else None


def number_take_next(
    *, actor: Any, draft: Draft
) -> tuple[Taken, AuditEntry | None] | None:
    """Step 1 of the batch's next letter, inside the current letter's step 3
    transaction (after its writes, before its audit events): one commit and one
    lock of the audit chain head fewer per letter. The lock order is the one of
    step 1 (the next draft, its letter, the counter), taken after the current
    letter's rows. A kill -9 leaves what one transaction per step leaves: the
    number of the letter being signed *being signed*, none taken for the next.
    ``None`` when the next letter cannot be signed now (changed, no longer the
    signer's) or when another transaction holds its draft or letter: nothing is
    written for it, and its own turn takes its number (or reports why not) in a
    transaction of its own.

    Never waiting for the next letter's rows while holding the current one's
    keeps two batches (or a batch and a single signing) from deadlocking on
    letters they share in opposite orders: each waits only in step 1, where it
    holds no other letter's rows. The counter is waited for (every holder takes
    it after its letters' rows and before the audit chain head, the same order
    everywhere)."""
    try:
        with coalesced():
            return _number_take(actor=actor, draft=draft, skip_locked=True)
    except (DomainError, Draft.DoesNotExist, Letter.DoesNotExist):
        return None


def _signed_writes(
    *, actor: Any, draft: Draft, taken: Taken, credential: Any,
    signature: Signature, stamp: StampInfo, batch: SigningBatch | None,
) -> tuple[Draft, list[AuditEntry]]:  # fmt: skip
    """Step 3's writes but the audit events (returned, to append last)."""
    tenant = draft.tenant
    with coalesced():
        locked = lock_draft(draft)
        letter = Letter.objects.select_for_update().get(pk=locked.letter_id)
        transition_check(locked, State.SIGNED, _("signed"))
        if (locked.round, locked.version) != (taken.round, taken.version):
            raise errors.signing_interrupted()
        # The number still this letter's and being signed, marked signed in the
        # same statement (its row locked by it until the commit).
        entry = taken.entry
        if not NumberEntry.objects.filter(
            pk=entry.pk,
            kind=NumberEntry.Kind.PENDING,
            voided_at__isnull=True,
            letter=letter,
        ).update(kind=NumberEntry.Kind.SIGNED, subject=letter.subject[:500]):
            raise errors.signing_interrupted()
        letter.number = entry.number
        letter.letter_date = taken.day
        result = document_store(
            credential=credential, signature=signature, stamp=stamp,
            security=letter.security, letter_number=letter.number,
            letter_date=taken.day, audit=False,
        )  # fmt: skip
        now = timezone.now()
        letter.status = State.SIGNED
        letter.save(update_fields=["number", "letter_date", "status", "updated_at"])
        kind = taken.assignment.kind
        locked.state = State.SIGNED
        locked.signer_kind = kind
        locked.signed_by = actor.person
        locked.signed_at = now
        locked.signed_document_id = result.document.pk
        locked.save(
            update_fields=["state", "signer_kind", "signed_by", "signed_at",
                           "signed_document", "updated_at"]
        )  # fmt: skip
        ReviewStep.objects.filter(
            draft=locked, round=locked.round, kind=StepKind.SIGNER
        ).update(
            state=StepState.SIGNED, acted_by=actor.person, acted_capacity=kind,
            acted_at=now, version=locked.version,
        )  # fmt: skip
        event_record(locked, "signed" if batch is None else SIGNED_IN_BATCH,
               actor=actor, capacity=kind, position=locked.signer_position,
               note=letter.number)  # fmt: skip
        if batch is not None:
            SigningBatchItem.objects.create(
                tenant=tenant, batch=batch, draft=locked, number=letter.number,
                outcome=SigningBatchItem.Outcome.SIGNED, at=now,
            )  # fmt: skip
        # The render ahead was for this signing only (its code is now the letter's).
        RenderAhead.objects.filter(draft=locked).delete()
        deliveries_create(draft=locked)
        draft_notify(draft=locked, event="signed")
        _enqueue_delivery(tenant.pk, locked.pk)
    return locked, [
        document_audit_entry(
            credential=credential, document=result.document, stamp=stamp
        ),
        audit_drafting_entry(
            locked, "sign", actor=actor, capacity=kind, number=letter.number,
            sequence=entry.sequence, document=result.document.pk,
            batch=batch.pk if batch else None,
        ),
    ]  # fmt: skip


def _enqueue_delivery(tenant_id: int, draft_id: int) -> None:
    """Queue the delivery with the current transaction (``core.queue``); what a
    crash still loses is re-queued by ``drafting.recovery``."""
    enqueue_durable(deliver_letter, tenant_id=tenant_id, draft_id=draft_id)


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
    _enqueue_delivery(draft.tenant_id, draft.pk)
    return row
