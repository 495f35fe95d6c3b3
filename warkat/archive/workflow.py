"""Shared rules of penyusutan: the tenant's archive settings, who may do what, the
batch state machine and the batch lock. Services, work modules and selectors use it.

Roles (decided here once, so a page and a task cannot disagree):

- **records staff**: tenant admins and the TU of the records centre (role ``tu``
  bound to ``ArchiveSettings.records_unit``): see every unit's due lists, propose
  destruction and handover, place and release legal holds;
- **a unit's TU** (role ``tu`` bound to the unit or one above it): sees that unit's
  due list and proposes its transfers (pemindahan);
- **committee**: holders today of an ``AppraisalMember`` position appraise;
- **approver**: the holder today of ``ArchiveSettings.approver`` approves;
- **signers**: the holders today of each ``BatchSignature`` position, in order.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from warkat.archive import errors
from warkat.archive.models import (
    AppraisalMember,
    ArchiveSettings,
    BatchSignature,
    BatchState,
    DisposalBatch,
    DisposalKind,
    LegalHold,
)
from warkat.archive.selectors.disposal import letter_line
from warkat.letters.access import held_positions, is_tenant_admin, tu_unit_ids
from warkat.org.models import Position, Unit

S = BatchState
K = DisposalKind

#: kind → state → the states it may go to.
TRANSITIONS: dict[str, dict[str, set[str]]] = {
    K.TRANSFER: {
        S.PROPOSED: {S.APPROVED, S.CANCELLED},
        S.APPROVED: {S.DONE, S.CANCELLED},
    },
    K.DESTRUCTION: {
        S.PROPOSED: {S.APPRAISED, S.REJECTED, S.CANCELLED},
        S.APPRAISED: {S.APPROVED, S.REJECTED, S.CANCELLED},
        S.APPROVED: {S.SIGNED, S.CANCELLED},
        S.SIGNED: {S.DESTROYING},
        S.DESTROYING: {S.DONE},
    },
    K.HANDOVER: {
        S.PROPOSED: {S.APPRAISED, S.REJECTED, S.CANCELLED},
        S.APPRAISED: {S.APPROVED, S.REJECTED, S.CANCELLED},
        S.APPROVED: {S.PACKAGING, S.CANCELLED},
        S.PACKAGING: {S.DONE},
    },
}


def transition_check(batch: DisposalBatch, target: str) -> None:
    if target not in TRANSITIONS[batch.kind].get(batch.state, set()):
        raise errors.wrong_state(BatchState(batch.state).label)


def lock_batch(batch: DisposalBatch) -> DisposalBatch:
    return DisposalBatch.objects.select_for_update().get(pk=batch.pk)


def archive_settings() -> ArchiveSettings:
    """The current tenant's settings (an unsaved empty row when never set)."""
    row = ArchiveSettings.objects.select_related(
        "records_unit", "records_head", "approver"
    ).first()
    return row or ArchiveSettings()


def is_records_staff(user: Any, conf: ArchiveSettings | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_tenant_admin(user):
        return True
    conf = conf or archive_settings()
    return conf.records_unit_id is not None and conf.records_unit_id in tu_unit_ids(
        user
    )


def unit_ids_up(unit: Unit) -> set[int]:
    """``unit`` and the units above it."""
    return {int(p) for p in unit.path.strip("/").split("/") if p} | {unit.pk}


def may_view_unit(user: Any, unit: Unit, conf: ArchiveSettings | None = None) -> bool:
    if is_records_staff(user, conf):
        return True
    return bool(tu_unit_ids(user) & unit_ids_up(unit))


def committee_positions_held(user: Any) -> list[AppraisalMember]:
    held = set(held_positions(user))
    return [m for m in AppraisalMember.objects.all() if m.position_id in held]


def holds(user: Any, position_id: int | None) -> str | None:
    """The capacity (definitif/plt/plh) in which ``user`` holds the position today."""
    if position_id is None:
        return None
    return held_positions(user).get(position_id)


def may_view_batch(user: Any, batch: DisposalBatch) -> bool:
    """Records staff, the unit's TU for a transfer, the committee, the approver and
    the signers see a batch and its list."""
    conf = archive_settings()
    if is_records_staff(user, conf):
        return True
    if batch.kind == K.TRANSFER and may_view_unit(user, batch.unit, conf):
        return True
    held = set(held_positions(user))
    if conf.approver_id in held and batch.kind != K.TRANSFER:
        return True
    if batch.kind != K.TRANSFER and committee_positions_held(user):
        return True
    return batch.signatures.filter(position_id__in=held).exists()


def holds_check(batch: DisposalBatch) -> None:
    """A destruction list holding a letter under legal hold goes no further."""
    if batch.kind != K.DESTRUCTION:
        return
    held = (
        LegalHold.objects.filter(
            released_at__isnull=True,
            letter_id__in=batch.items.exclude(state="dropped").values("letter_id"),
        )
        .select_related("letter")
        .first()
    )
    if held is not None:
        raise errors.on_hold(letter_line(held.letter))


def batches_visible(user: Any, qs: QuerySet[DisposalBatch]) -> QuerySet[DisposalBatch]:
    """``qs`` narrowed to the lists ``user`` may see (``may_view_batch`` as one
    filter, so a page of lists costs the same queries however many there are)."""
    conf = archive_settings()
    if is_records_staff(user, conf):
        return qs
    held = set(held_positions(user))
    tu_units = Unit.objects.filter(pk__in=tu_unit_ids(user))
    seen = Q(Exists(BatchSignature.objects.filter(batch=OuterRef("pk"), position_id__in=held)))  # fmt: skip
    for unit in tu_units:
        seen |= Q(kind=K.TRANSFER, unit__path__startswith=unit.path)
    if conf.approver_id in held or committee_positions_held(user):
        seen |= ~Q(kind=K.TRANSFER)
    return qs.filter(seen)


def require(allowed: bool) -> None:
    if not allowed:
        raise errors.forbidden()


def unit_head(unit: Unit) -> Position:
    """The head position of ``unit`` (it signs the transfer of the unit's records)."""
    head = Position.objects.filter(unit=unit, is_head=True, is_active=True).first()
    if head is None:
        raise errors.unit_head_missing(unit.name)
    return head


SIGNER_LABELS = {
    "unit_head": _("Handed over by (unit pengolah)"),
    "records_head": _("Received by (unit kearsipan)"),
    "approver": _("Approved by"),
}
