"""The lists of penyusutan: propose, appraise, approve, cancel (the state machine
is ``workflow.TRANSITIONS``).

- **pemindahan**: proposed by the unit's TU (or the records staff), approved at once
  and signed by the unit's head, then the head of the records centre;
- **pemusnahan** and **penyerahan**: proposed by the records staff, appraised by every
  committee position, approved by the approving official (with the Kepala ANRI's
  approval reference when a record was kept ten years or more), then signed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.archive import errors
from warkat.archive.models import (
    Appraisal,
    AppraisalMember,
    BatchSignature,
    DisposalBatch,
    DisposalItem,
)
from warkat.archive.selectors.disposal import due_letters, letter_line
from warkat.archive.workflow import (
    K,
    S,
    archive_settings,
    committee_positions_held,
    holds,
    holds_check,
    is_records_staff,
    lock_batch,
    may_view_unit,
    require,
    transition_check,
    unit_head,
)
from warkat.audit.services import audit_record
from warkat.letters.models import Letter
from warkat.org.models import Unit
from warkat.tenancy.clock import tenant_localdate

#: Retention (active + inactive years) from which the Kepala ANRI approves.
ANRI_YEARS = 10


def _audit(batch: DisposalBatch, actor: Any, action: str, **data: Any) -> None:
    audit_record(
        tenant=batch.tenant,
        actor=actor,
        action=f"archive.{action}",
        obj=batch,
        data={"kind": batch.kind, "state": batch.state, **data},
    )


def _items_release(batch: DisposalBatch) -> None:
    DisposalItem.objects.filter(batch=batch, state="open").update(state="dropped")


@transaction.atomic
def batch_propose(
    *,
    actor: Any,
    kind: str,
    unit: Unit,
    letters: list[Letter],
    title: str = "",
    note: str = "",
) -> DisposalBatch:
    """List ``letters`` of ``unit`` (or its sub-units) for ``kind``. Each must be
    due for it today, on no other open list, and — for destruction — under no
    legal hold; secret letters are not handed over before declassification."""
    if kind not in K.values:
        raise errors.wrong_state(kind)
    conf = archive_settings()
    if kind == K.TRANSFER:
        require(may_view_unit(actor, unit, conf))
    else:
        require(is_records_staff(actor, conf))
    if not letters:
        raise errors.empty()
    tenant = unit.tenant
    today = tenant_localdate(tenant)
    ids = sorted({lt.pk for lt in letters})
    # Lock the letters (in id order) so that a hold placed meanwhile is seen.
    locked = list(Letter.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    due = {
        lt.pk: lt
        for lt in due_letters(
            kind=kind,
            today=today,
            units=Unit.objects.filter(path__startswith=unit.path),
        ).filter(pk__in=ids)
    }
    for letter in locked:
        line = letter_line(letter)
        if DisposalItem.objects.filter(letter=letter, state="open").exists():
            raise errors.already_listed(line)
        found = due.get(letter.pk)
        if found is None:
            raise errors.not_due(line)
        if found.on_hold and kind == K.DESTRUCTION:  # type: ignore[attr-defined]
            raise errors.on_hold(line)
        if kind == K.HANDOVER and letter.is_secret:
            raise errors.secret_handover(line)
    if len(locked) != len(ids):
        raise errors.not_found()
    batch = DisposalBatch.objects.create(
        tenant=tenant,
        kind=kind,
        unit=unit,
        proposed_by=actor,
        proposed_at=timezone.now(),
        note=note.strip()[:2000],
        title=(title.strip() or f"{K(kind).label} — {unit.name}")[:200],
    )
    DisposalItem.objects.bulk_create([_item(batch, due[lt.pk], kind) for lt in locked])
    _audit(batch, actor, "batch_proposed", letters=ids)
    if kind == K.TRANSFER:
        _approve(
            batch,
            actor,
            signers=[
                ("unit_head", unit_head(unit)),
                ("records_head", conf.records_head),
            ],
        )
    return batch


def _item(batch: DisposalBatch, letter: Any, kind: str) -> DisposalItem:
    years = letter.active_years + (0 if kind == K.TRANSFER else letter.inactive_years)
    return DisposalItem(
        tenant=batch.tenant,
        batch=batch,
        letter=letter,
        kind=kind,
        description=letter_line(letter)[:500],
        code=letter.classification.code,
        record_date=letter.record_date,
        due_date=letter.record_date.replace(
            year=letter.record_year + 1 + years, month=1, day=1
        ),
        files=letter.files.count(),
    )


def _approve(
    batch: DisposalBatch, actor: Any, *, signers: list[tuple[str, Any]]
) -> None:
    transition_check(batch, S.APPROVED)
    for label, position in signers:
        if position is None:
            raise errors.settings_missing(label)
    batch.state = S.APPROVED
    batch.approved_by = actor
    batch.approved_at = timezone.now()
    batch.save(update_fields=["state", "approved_by", "approved_at"])
    BatchSignature.objects.bulk_create(
        [
            BatchSignature(
                tenant=batch.tenant, batch=batch, order=i, position=p, label=label
            )
            for i, (label, p) in enumerate(signers, start=1)
        ]
    )


@transaction.atomic
def batch_appraise(
    *, actor: Any, batch: DisposalBatch, approve: bool, note: str = ""
) -> DisposalBatch:
    """One committee position's verdict. Any rejection rejects the list (its
    letters are free to be listed again); when every position has agreed the list
    is appraised."""
    locked = lock_batch(batch)
    transition_check(locked, S.APPRAISED if approve else S.REJECTED)
    holds_check(locked)
    done = set(
        Appraisal.objects.filter(batch=locked).values_list("position_id", flat=True)
    )
    mine = [m for m in committee_positions_held(actor) if m.position_id not in done]
    if not mine:
        if committee_positions_held(actor):
            raise errors.already_appraised()
        raise errors.forbidden()
    member = mine[0]
    Appraisal.objects.create(
        tenant=locked.tenant,
        batch=locked,
        position_id=member.position_id,
        person=actor.person,
        capacity=holds(actor, member.position_id) or "",
        approve=approve,
        note=note.strip()[:2000],
        at=timezone.now(),
    )
    if not approve:
        locked.state = S.REJECTED
        locked.save(update_fields=["state"])
        _items_release(locked)
    elif not AppraisalMember.objects.exclude(
        position_id__in=[*done, member.position_id]
    ).exists():
        locked.state = S.APPRAISED
        locked.save(update_fields=["state"])
    _audit(
        locked, actor, "batch_appraised", approve=approve, position=member.position_id
    )
    return locked


@transaction.atomic
def batch_approve(
    *, actor: Any, batch: DisposalBatch, anri_approval: str = ""
) -> DisposalBatch:
    """The approving official approves an appraised list; its berita acara then
    waits for signatures (destruction: head of the records centre, then the
    approving official; handover: the approving official)."""
    conf = archive_settings()
    locked = lock_batch(batch)
    if holds(actor, conf.approver_id) is None:
        raise errors.forbidden()
    transition_check(locked, S.APPROVED)
    holds_check(locked)
    if locked.state != S.APPRAISED:
        raise errors.wrong_state(S(locked.state).label)
    longest = max(
        (i.due_date.year - i.record_date.year - 1 for i in locked.items.all()),
        default=0,
    )
    anri_approval = anri_approval.strip()[:200]
    if locked.kind == K.DESTRUCTION and longest >= ANRI_YEARS and not anri_approval:
        raise errors.anri_required()
    locked.anri_approval = anri_approval
    locked.save(update_fields=["anri_approval"])
    signers: list[tuple[str, Any]] = [("approver", conf.approver)]
    if locked.kind == K.DESTRUCTION:
        signers.insert(0, ("records_head", conf.records_head))
    _approve(locked, actor, signers=signers)
    _audit(locked, actor, "batch_approved", anri=anri_approval)
    return locked


@transaction.atomic
def batch_cancel(*, actor: Any, batch: DisposalBatch, reason: str) -> DisposalBatch:
    """Withdraw a list before any signature (the proposer or the records staff)."""
    locked = lock_batch(batch)
    if not (locked.proposed_by_id == actor.pk or is_records_staff(actor)):
        raise errors.forbidden()
    if not reason.strip():
        raise errors.reason_required()
    transition_check(locked, S.CANCELLED)
    if locked.signatures.filter(document__isnull=False).exists():
        raise errors.wrong_state(S(locked.state).label)
    locked.state = S.CANCELLED
    locked.note = f"{locked.note}\n{reason.strip()}".strip()[:2000]
    locked.save(update_fields=["state", "note"])
    _items_release(locked)
    _audit(locked, actor, "batch_cancelled")
    return locked
