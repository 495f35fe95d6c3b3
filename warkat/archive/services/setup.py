"""The tenant's archive settings and legal holds."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.archive import errors
from warkat.archive.models import (
    AppraisalMember,
    ArchiveSettings,
    DisposalItem,
    LegalHold,
)
from warkat.archive.workflow import is_records_staff, require
from warkat.audit.services import audit_record
from warkat.letters.access import is_tenant_admin
from warkat.letters.models import Letter
from warkat.org.models import Position, Unit
from warkat.tenancy.models import Tenant


@transaction.atomic
def archive_settings_update(
    *,
    tenant: Tenant,
    actor: Any,
    records_unit: Unit | None,
    records_head: Position | None,
    approver: Position | None,
    regional_archive: str = "",
    committee: list[tuple[Position, str]] | None = None,
) -> ArchiveSettings:
    """Name the records centre, its head, the approving official and the panitia
    penilai arsip (positions with their role). Tenant admins only."""
    require(is_tenant_admin(actor))
    row, _created = ArchiveSettings.objects.select_for_update().get_or_create(
        tenant=tenant
    )
    row.records_unit = records_unit
    row.records_head = records_head
    row.approver = approver
    row.regional_archive = regional_archive.strip()[:200]
    row.save()
    if committee is not None:
        roles = {p.pk: r for p, r in committee if r in AppraisalMember.Role.values}
        AppraisalMember.objects.exclude(position_id__in=roles).delete()
        for position_id, role in roles.items():
            AppraisalMember.objects.update_or_create(
                tenant=tenant, position_id=position_id, defaults={"role": role}
            )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="archive.settings_updated",
        obj=row,
        data={
            "records_unit": row.records_unit_id,
            "records_head": row.records_head_id,
            "approver": row.approver_id,
            "committee": sorted(
                AppraisalMember.objects.values_list("position_id", flat=True)
            ),
        },
    )
    return row


@transaction.atomic
def hold_place(
    *, actor: Any, letter: Letter, reason: str, case_reference: str = ""
) -> LegalHold:
    """Put a letter under a legal hold: it can then never be proposed for
    destruction, and a list that already holds it stops until it is taken off."""
    require(is_records_staff(actor))
    reason = reason.strip()
    if not reason:
        raise errors.reason_required()
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if LegalHold.objects.filter(letter=locked, released_at__isnull=True).exists():
        raise errors.hold_exists()
    too_late = DisposalItem.objects.filter(
        letter=locked,
        kind="pemusnahan",
        batch__state__in=["signed", "destroying", "done"],
    ).exclude(state="dropped")
    if too_late.exists():
        raise errors.hold_too_late()
    hold = LegalHold.objects.create(
        tenant=locked.tenant,
        letter=locked,
        reason=reason[:2000],
        case_reference=case_reference.strip()[:200],
        placed_by=actor,
        placed_at=timezone.now(),
    )
    audit_record(
        tenant=locked.tenant,
        actor=actor,
        action="archive.hold_placed",
        obj=locked,
        data={"hold": hold.pk, "case": hold.case_reference},
    )
    return hold


@transaction.atomic
def hold_release(*, actor: Any, hold: LegalHold, reason: str) -> LegalHold:
    require(is_records_staff(actor))
    reason = reason.strip()
    if not reason:
        raise errors.reason_required()
    row = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if row.released_at is not None:
        raise errors.hold_released()
    row.released_at = timezone.now()
    row.released_by = actor
    row.release_reason = reason[:2000]
    row.save(update_fields=["released_at", "released_by", "release_reason"])
    audit_record(
        tenant=row.tenant,
        actor=actor,
        action="archive.hold_released",
        obj=row.letter,
        data={"hold": row.pk},
    )
    return row
