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
from warkat.dispositions.rules import instruction_labels
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
        row = existing.pop(label, None) or Instruction(tenant=tenant, label=label)
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
