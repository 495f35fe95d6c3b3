"""Tenant administration of disposition rules: the instruction list, working-day
exceptions (local holidays) and the disposition settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warkat.accounts.models import Role
from warkat.accounts.permissions import require_role
from warkat.audit.services import audit_record
from warkat.core.errors import Conflict, NotFound, ValidationError
from warkat.dispositions.models import DispositionSettings, Instruction, TenantHoliday
from warkat.dispositions.rules import (
    DEFAULT_CLOSES_ON_READ,
    DEFAULT_REQUIRES_REPORT,
    InstructionRule,
    instruction_labels,
    instruction_rules,
)
from warkat.tenancy.models import Tenant

ADMIN = frozenset({Role.TENANT_ADMIN})


@transaction.atomic
def instructions_set(*, actor: Any, tenant: Tenant, labels: Sequence[str]) -> list[str]:
    """Replace the tenant's instruction list (order kept). Labels no longer listed
    stay on past dispositions, which keep their own copy."""
    require_role(user=actor, roles=ADMIN)
    clean = [label.strip() for label in labels if label and label.strip()]
    if not clean or len(clean) > 40 or any(len(label) > 100 for label in clean):
        raise ValidationError(
            "instruction.list_invalid",
            _("Give between 1 and 40 instructions of at most 100 characters."),
            field="labels",
        )
    clean = list(dict.fromkeys(clean))
    existing = {i.label: i for i in Instruction.objects.select_for_update()}
    for order, label in enumerate(clean):
        row = existing.pop(label, None) or Instruction(
            tenant=tenant,
            label=label,
            closes_on_read=label in DEFAULT_CLOSES_ON_READ,
            requires_report=label in DEFAULT_REQUIRES_REPORT,
        )
        row.sort_order = order
        row.is_active = True
        row.save()
    for row in existing.values():
        row.is_active = False
        row.save(update_fields=["is_active"])
    audit_record(
        tenant=tenant, actor=actor, action="instruction.set", data={"labels": clean}
    )
    return instruction_labels()


@transaction.atomic
def instruction_behaviour_set(
    *,
    actor: Any,
    tenant: Tenant,
    closes_on_read: Sequence[str],
    requires_report: Sequence[str],
) -> list[InstructionRule]:
    """Which instructions settle a disposition when it is read ("Untuk diketahui")
    and which need a follow-up report before it can be closed ("Laporkan hasilnya").
    Applies to dispositions sent from now on."""
    require_role(user=actor, roles=ADMIN)
    ordered = instruction_labels()
    labels = set(ordered)
    closes, reports = set(closes_on_read), set(requires_report)
    unknown = sorted((closes | reports) - labels)
    if unknown:
        raise ValidationError(
            "instruction.unknown",
            _("Unknown instruction: %(names)s."),
            field="labels",
            params={"names": ", ".join(unknown)},
        )
    if closes & reports:
        raise ValidationError(
            "instruction.behaviour_conflict",
            _("An instruction cannot both close when read and require a report."),
            field="labels",
        )
    if not Instruction.objects.exists():
        # Still on the defaults: store them first so there are rows to mark.
        instructions_set(actor=actor, tenant=tenant, labels=ordered)
    for row in Instruction.objects.select_for_update():
        row.closes_on_read = row.label in closes
        row.requires_report = row.label in reports
        row.save(update_fields=["closes_on_read", "requires_report"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="instruction.behaviour_set",
        data={"closes_on_read": sorted(closes), "requires_report": sorted(reports)},
    )
    return instruction_rules()


@transaction.atomic
def holiday_add(
    *, actor: Any, tenant: Tenant, date: dt.date, name: str
) -> TenantHoliday:
    require_role(user=actor, roles=ADMIN)
    if not name.strip():
        raise ValidationError(
            "holiday.name_required", _("Name the holiday."), field="name"
        )
    if TenantHoliday.objects.filter(date=date).exists():
        raise Conflict("holiday.duplicate", _("That date is already a holiday."))
    holiday = TenantHoliday.objects.create(tenant=tenant, date=date, name=name.strip())
    audit_record(
        tenant=tenant,
        actor=actor,
        action="holiday.add",
        obj=holiday,
        data={"date": date},
    )
    return holiday


@transaction.atomic
def holiday_remove(*, actor: Any, tenant: Tenant, holiday_id: int) -> None:
    require_role(user=actor, roles=ADMIN)
    holiday = TenantHoliday.objects.filter(pk=holiday_id).first()
    if holiday is None:
        raise NotFound("holiday.not_found", _("Holiday not found."))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="holiday.remove",
        obj=holiday,
        data={"date": holiday.date},
    )
    holiday.delete()


@transaction.atomic
def disposition_settings_update(
    *,
    actor: Any,
    tenant: Tenant,
    allow_same_level: bool,
    remind_days_before: int,
    days_amat_segera: int,
    days_segera: int,
    days_biasa: int,
) -> DispositionSettings:
    require_role(user=actor, roles=ADMIN)
    days = (remind_days_before, days_amat_segera, days_segera, days_biasa)
    if any(d < 0 or d > 60 for d in days) or not (
        days_amat_segera <= days_segera <= days_biasa
    ):
        raise ValidationError(
            "disposition_settings.invalid",
            _("Days must be between 0 and 60, and Amat Segera ≤ Segera ≤ Biasa."),
        )
    row, _created = DispositionSettings.objects.select_for_update().get_or_create(
        tenant=tenant
    )
    row.allow_same_level = allow_same_level
    row.remind_days_before = remind_days_before
    row.days_amat_segera = days_amat_segera
    row.days_segera = days_segera
    row.days_biasa = days_biasa
    row.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="disposition_settings.update",
        obj=row,
        data={"allow_same_level": allow_same_level, "days": days},
    )
    return row
