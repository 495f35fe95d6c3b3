"""The tenant's attendance configuration: rules (TPP cuts, leave, fraud signals),
work locations, extra places per person and work schedules (a dated schedule such
as Ramadan overrides the regular one). Tenant admin or personnel office only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from warkat.accounts.models import Role
from warkat.attendance import errors
from warkat.attendance.documents import rules_clean
from warkat.attendance.geo import valid_coordinates
from warkat.attendance.models import (
    AttendanceSettings,
    PersonPlace,
    WorkLocation,
    WorkSchedule,
    WorkScheduleDay,
)
from warkat.attendance.rules import NATIONAL_WEEK, PP94_STEPS, RAMADAN_WEEK
from warkat.audit.services import audit_record
from warkat.org.selectors import person_find, unit_find
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import current_tenant

#: Settings fields a request may change, and their bounds.
PERCENT_FIELDS = (
    "tl1_pct", "tl2_pct", "tl3_pct", "tl4_pct",
    "psw1_pct", "psw2_pct", "psw3_pct", "psw4_pct", "tk_pct",
)  # fmt: skip
NUMBER_FIELDS: dict[str, tuple[int, int]] = {
    "default_radius_m": (15, 200),
    "duplicate_window_s": (0, 3600),
    "max_speed_kmh": (10, 2000),
    "repeat_days": (0, 60),
    "offline_gap_min": (1, 7 * 24 * 60),
    "annual_leave_days": (0, 60),
    "leave_cap_one_year": (0, 120),
    "leave_cap_two_years": (0, 120),
    "leave_records_from": (2000, 2200),
    "annual_leave_service_months": (0, 120),
    "cltn_max_months": (1, 120),
    "maternity_children": (0, 20),
    "consecutive_alert_days": (1, 60),
    "selfie_retention_days": (1, 3650),
}


def require_configure(actor: Any) -> Tenant:
    tenant = current_tenant()
    assert tenant is not None
    if actor is None or not actor.has_role(Role.TENANT_ADMIN, Role.KEPEGAWAIAN):
        raise errors.forbidden()
    return tenant


def _settings_row(tenant: Tenant) -> AttendanceSettings:
    row = AttendanceSettings.objects.select_for_update().filter(tenant=tenant).first()
    if row is None:
        row = AttendanceSettings(tenant=tenant, discipline_steps=PP94_STEPS)
    return row


@transaction.atomic
def settings_update(*, actor: Any, changes: dict[str, Any]) -> AttendanceSettings:
    """Change some of the tenant's rules (the others keep their values)."""
    tenant = require_configure(actor)
    row = _settings_row(tenant)
    for name, value in changes.items():
        if value is None:
            continue
        if name in PERCENT_FIELDS:
            try:
                pct = Decimal(str(value))
            except InvalidOperation as exc:
                raise errors.setting_invalid(name) from exc
            if not (Decimal("0") <= pct <= Decimal("100")):
                raise errors.setting_invalid(name)
            setattr(row, name, pct.quantize(Decimal("0.01")))
        elif name in NUMBER_FIELDS:
            low, high = NUMBER_FIELDS[name]
            if not isinstance(value, int) or not low <= value <= high:
                raise errors.setting_invalid(name)
            setattr(row, name, value)
        elif name == "suspicious_accuracy_m":
            if not 0 <= float(value) <= 50:
                raise errors.setting_invalid(name)
            row.suspicious_accuracy_m = Decimal(str(value)).quantize(Decimal("0.01"))
        elif name in ("selfie_required", "cuti_bersama_reduces_annual"):
            if not isinstance(value, bool):
                raise errors.setting_invalid(name)
            setattr(row, name, value)
        elif name == "discipline_steps":
            row.discipline_steps = _steps(value)
        elif name == "document_rules":
            row.document_rules = rules_clean(value)
        else:
            raise errors.setting_invalid(name)
    row.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="attendance.settings_changed",
        obj=row,
        data={k: v for k, v in changes.items() if v is not None},
    )
    return row


def _steps(value: Any) -> list[list[int | str]]:
    try:
        steps = [(int(days), str(step)[:200]) for days, step in value]
    except (TypeError, ValueError) as exc:
        raise errors.setting_invalid("discipline_steps") from exc
    if not steps or any(d < 1 or d > 366 or not s.strip() for d, s in steps):
        raise errors.setting_invalid("discipline_steps")
    return [[d, s] for d, s in sorted(steps)]


@transaction.atomic
def location_create(
    *,
    actor: Any,
    unit_id: int,
    name: str,
    latitude: float,
    longitude: float,
    radius_m: int | None = None,
) -> WorkLocation:
    tenant = require_configure(actor)
    unit = unit_find(unit_id=unit_id)
    if unit is None:
        raise errors.unit_not_found()
    radius = (
        radius_m
        or AttendanceSettings.objects.filter(tenant=tenant)
        .values_list("default_radius_m", flat=True)
        .first()
        or 100
    )
    if not 15 <= radius <= 200:
        raise errors.radius_invalid()
    if not valid_coordinates(latitude, longitude, None):
        raise errors.coordinates_invalid()
    if not name.strip():
        raise errors.setting_invalid("name")
    location = WorkLocation.objects.create(
        tenant=tenant,
        unit=unit,
        name=name.strip()[:200],
        latitude=Decimal(f"{latitude:.6f}"),
        longitude=Decimal(f"{longitude:.6f}"),
        radius_m=radius,
    )
    audit_record(
        tenant=tenant, actor=actor, action="attendance.location_created", obj=location
    )
    return location


@transaction.atomic
def location_deactivate(*, actor: Any, location_id: int) -> WorkLocation:
    tenant = require_configure(actor)
    location = WorkLocation.objects.select_for_update().filter(pk=location_id).first()
    if location is None:
        raise errors.location_not_found()
    location.is_active = False
    location.save(update_fields=["is_active"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="attendance.location_deactivated",
        obj=location,
    )
    return location


@transaction.atomic
def person_place_add(*, actor: Any, person_id: int, location_id: int) -> PersonPlace:
    """Let one person also check in at ``location`` (a puskesmas in a distrik)."""
    tenant = require_configure(actor)
    person = person_find(person_id=person_id)
    location = WorkLocation.objects.filter(pk=location_id, is_active=True).first()
    if person is None or location is None:
        raise errors.location_not_found()
    place, _created = PersonPlace.objects.get_or_create(
        tenant=tenant, person=person, location=location
    )
    audit_record(
        tenant=tenant, actor=actor, action="attendance.place_assigned", obj=place
    )
    return place


@dataclass(frozen=True)
class DayHours:
    weekday: int
    start: dt.time
    end: dt.time
    break_minutes: int = 60


def preset_days(preset: str) -> list[DayHours]:
    """The national week ("national") or the Ramadan week ("ramadan"); anything
    else gives no days (refused by ``schedule_create``)."""
    week = {"national": NATIONAL_WEEK, "ramadan": RAMADAN_WEEK}.get(preset, {})
    return [
        DayHours(
            weekday=w,
            start=dt.time.fromisoformat(start),
            end=dt.time.fromisoformat(end),
            break_minutes=pause,
        )
        for w, (start, end, pause) in sorted(week.items())
    ]


@transaction.atomic
def schedule_create(
    *,
    actor: Any,
    name: str,
    days: list[DayHours],
    unit_id: int | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> WorkSchedule:
    """A schedule for the tenant (or a unit and its subtree); with dates it overrides
    the regular one for those dates (Ramadan: 32.5 h from 08:00)."""
    tenant = require_configure(actor)
    unit = None
    if unit_id is not None:
        unit = unit_find(unit_id=unit_id)
        if unit is None:
            raise errors.unit_not_found()
    if (valid_from is None) != (valid_to is None) or (
        valid_from and valid_to and valid_to < valid_from
    ):
        raise errors.dates_invalid()
    weekdays = [d.weekday for d in days]
    if (
        not name.strip()
        or not days
        or len(set(weekdays)) != len(weekdays)
        or any(not 0 <= d.weekday <= 6 or d.end <= d.start for d in days)
        or any(not 0 <= d.break_minutes <= 240 for d in days)
    ):
        raise errors.schedule_invalid()
    schedule = WorkSchedule.objects.create(
        tenant=tenant,
        unit=unit,
        name=name.strip()[:120],
        valid_from=valid_from,
        valid_to=valid_to,
    )
    WorkScheduleDay.objects.bulk_create(
        [
            WorkScheduleDay(
                tenant=tenant,
                schedule=schedule,
                weekday=d.weekday,
                start=d.start,
                end=d.end,
                break_minutes=d.break_minutes,
            )
            for d in days
        ]
    )
    audit_record(
        tenant=tenant, actor=actor, action="attendance.schedule_created", obj=schedule
    )
    return schedule
