"""HTTP API of the attendance configuration: rules, work locations, extra places
per person, schedules (tenant admin or personnel office)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.attendance import roster
from warkat.attendance import setup_services as setup
from warkat.attendance.documents import document_rules
from warkat.attendance.models import AttendanceSettings, WorkLocation
from warkat.attendance.schedule import attendance_settings
from warkat.attendance.selectors import locations_list, schedules_list
from warkat.org.api import in_caller_tenant
from warkat.tenancy.scope import current_tenant

router = Router(tags=["attendance settings"])


class SettingsIn(Schema):
    default_radius_m: int | None = None
    duplicate_window_s: int | None = None
    max_speed_kmh: int | None = None
    suspicious_accuracy_m: float | None = None
    repeat_days: int | None = None
    offline_gap_min: int | None = None
    annual_leave_days: int | None = None
    # Annual leave usable with last year's unused days / two years' (PP 11/2017).
    leave_cap_one_year: int | None = None
    leave_cap_two_years: int | None = None
    leave_records_from: int | None = None
    # PP 11/2017: service before annual leave, cuti bersama against annual leave,
    # longest unpaid leave, children with maternity leave.
    annual_leave_service_months: int | None = None
    cuti_bersama_reduces_annual: bool | None = None
    cltn_max_months: int | None = None
    maternity_children: int | None = None
    # [[kind, more than N working days, document name], …]
    document_rules: list[list[int | str]] | None = None
    tl1_pct: Decimal | None = None
    tl2_pct: Decimal | None = None
    tl3_pct: Decimal | None = None
    tl4_pct: Decimal | None = None
    psw1_pct: Decimal | None = None
    psw2_pct: Decimal | None = None
    psw3_pct: Decimal | None = None
    psw4_pct: Decimal | None = None
    tk_pct: Decimal | None = None
    # PP 94/2021 thresholds: [[days, step], …]
    discipline_steps: list[list[int | str]] | None = None
    consecutive_alert_days: int | None = None
    selfie_required: bool | None = None
    selfie_retention_days: int | None = None


class SettingsOut(Schema):
    default_radius_m: int
    duplicate_window_s: int
    max_speed_kmh: int
    suspicious_accuracy_m: float
    repeat_days: int
    offline_gap_min: int
    annual_leave_days: int
    leave_cap_one_year: int
    leave_cap_two_years: int
    leave_records_from: int | None
    annual_leave_service_months: int
    cuti_bersama_reduces_annual: bool
    cltn_max_months: int
    maternity_children: int
    document_rules: list[list[int | str]]
    tl_pct: list[float]
    psw_pct: list[float]
    tk_pct: float
    discipline_steps: list[list[int | str]]
    consecutive_alert_days: int
    selfie_required: bool
    selfie_retention_days: int


def _settings_out(s: AttendanceSettings) -> SettingsOut:
    return SettingsOut(
        default_radius_m=s.default_radius_m,
        duplicate_window_s=s.duplicate_window_s,
        max_speed_kmh=s.max_speed_kmh,
        suspicious_accuracy_m=float(s.suspicious_accuracy_m),
        repeat_days=s.repeat_days,
        offline_gap_min=s.offline_gap_min,
        annual_leave_days=s.annual_leave_days,
        leave_cap_one_year=s.leave_cap_one_year,
        leave_cap_two_years=s.leave_cap_two_years,
        leave_records_from=s.leave_records_from,
        annual_leave_service_months=s.annual_leave_service_months,
        cuti_bersama_reduces_annual=s.cuti_bersama_reduces_annual,
        cltn_max_months=s.cltn_max_months,
        maternity_children=s.maternity_children,
        document_rules=[list(r) for r in document_rules(s)],
        tl_pct=[float(p) for p in (s.tl1_pct, s.tl2_pct, s.tl3_pct, s.tl4_pct)],
        psw_pct=[float(p) for p in (s.psw1_pct, s.psw2_pct, s.psw3_pct, s.psw4_pct)],
        tk_pct=float(s.tk_pct),
        discipline_steps=[[int(d), str(t)] for d, t in s.discipline_steps],
        consecutive_alert_days=s.consecutive_alert_days,
        selfie_required=s.selfie_required,
        selfie_retention_days=s.selfie_retention_days,
    )


@router.get(
    "/attendance/settings",
    response={200: SettingsOut, **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def settings_api(request: HttpRequest) -> Any:
    """The tenant's rules (national defaults until changed)."""
    setup.require_configure(request.auth)  # type: ignore[attr-defined]
    tenant = current_tenant()
    assert tenant is not None
    return _settings_out(attendance_settings(tenant))


@router.patch(
    "/attendance/settings",
    response={200: SettingsOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def settings_update_api(request: HttpRequest, payload: SettingsIn) -> Any:
    """Change some rules: TPP cut percentages, annual leave days, PP 94/2021
    thresholds, fraud signals (fields left out keep their value)."""
    row = setup.settings_update(
        actor=request.auth,  # type: ignore[attr-defined]
        changes=payload.dict(exclude_unset=True),
    )
    return _settings_out(row)


class LocationIn(Schema):
    unit_id: int
    name: str
    latitude: float
    longitude: float
    radius_m: int | None = None


class LocationOut(Schema):
    id: int
    unit_id: int
    name: str
    latitude: float
    longitude: float
    radius_m: int
    is_active: bool


def _location_out(loc: WorkLocation) -> LocationOut:
    return LocationOut(
        id=loc.pk,
        unit_id=loc.unit_id,
        name=loc.name,
        latitude=float(loc.latitude),
        longitude=float(loc.longitude),
        radius_m=loc.radius_m,
        is_active=loc.is_active,
    )


@router.get(
    "/attendance/locations",
    response={200: list[LocationOut], **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def locations_api(request: HttpRequest) -> Any:
    setup.require_configure(request.auth)  # type: ignore[attr-defined]
    return [_location_out(loc) for loc in locations_list()]


@router.post(
    "/attendance/locations",
    response={201: LocationOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def location_create_api(request: HttpRequest, payload: LocationIn) -> Any:
    """A place where a unit's people check in (radius 15-200 m, default 100)."""
    loc = setup.location_create(
        actor=request.auth,  # type: ignore[attr-defined]
        unit_id=payload.unit_id,
        name=payload.name,
        latitude=payload.latitude,
        longitude=payload.longitude,
        radius_m=payload.radius_m,
    )
    return 201, _location_out(loc)


@router.post(
    "/attendance/locations/{location_id}/deactivate",
    response={200: LocationOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def location_deactivate_api(request: HttpRequest, location_id: Id) -> Any:
    loc = setup.location_deactivate(
        actor=request.auth,  # type: ignore[attr-defined]
        location_id=location_id,
    )
    return _location_out(loc)


class PlaceIn(Schema):
    person_id: int
    location_id: int


@router.post(
    "/attendance/places",
    response={201: PlaceIn, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def place_add_api(request: HttpRequest, payload: PlaceIn) -> Any:
    """Let one person also check in at another unit's place."""
    place = setup.person_place_add(
        actor=request.auth,  # type: ignore[attr-defined]
        person_id=payload.person_id,
        location_id=payload.location_id,
    )
    return 201, PlaceIn(person_id=place.person_id, location_id=place.location_id)


class DayIn(Schema):
    weekday: int
    start: dt.time
    end: dt.time
    break_minutes: int = 60


class ScheduleIn(Schema):
    name: str
    unit_id: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    # Empty with a ``preset``: "national" (Perpres 21/2023, 37.5 h from 07:30) or
    # "ramadan" (32.5 h from 08:00).
    days: list[DayIn] = []
    preset: str = ""


class ScheduleOut(Schema):
    id: int
    name: str
    unit_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    days: list[DayIn]


@router.get(
    "/attendance/schedules",
    response={200: list[ScheduleOut], **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def schedules_api(request: HttpRequest) -> Any:
    setup.require_configure(request.auth)  # type: ignore[attr-defined]
    return [
        ScheduleOut(
            id=s.pk,
            name=s.name,
            unit_id=s.unit_id,
            valid_from=s.valid_from,
            valid_to=s.valid_to,
            days=[
                DayIn(
                    weekday=d.weekday,
                    start=d.start,
                    end=d.end,
                    break_minutes=d.break_minutes,
                )
                for d in s.days.all()
            ],
        )
        for s in schedules_list()
    ]


@router.post(
    "/attendance/schedules",
    response={201: ScheduleOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def schedule_create_api(request: HttpRequest, payload: ScheduleIn) -> Any:
    """Working hours of the tenant or a unit; with dates, an override (Ramadan)."""
    s = setup.schedule_create(
        actor=request.auth,  # type: ignore[attr-defined]
        name=payload.name,
        unit_id=payload.unit_id,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        days=[setup.DayHours(**d.dict()) for d in payload.days]
        or setup.preset_days(payload.preset),
    )
    return 201, ScheduleOut(
        id=s.pk,
        name=s.name,
        unit_id=s.unit_id,
        valid_from=s.valid_from,
        valid_to=s.valid_to,
        days=[
            DayIn(
                weekday=d.weekday,
                start=d.start,
                end=d.end,
                break_minutes=d.break_minutes,
            )
            for d in s.days.order_by("weekday")
        ],
    )


class ShiftIn(Schema):
    name: str
    start: dt.time
    # Not after ``start``: the shift ends the next day (night shift).
    end: dt.time
    unit_id: int | None = None


class ShiftOut(Schema):
    id: int
    name: str
    start: dt.time
    end: dt.time
    unit_id: int | None
    crosses_midnight: bool


@router.post(
    "/attendance/shifts",
    response={201: ShiftOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def shift_create_api(request: HttpRequest, payload: ShiftIn) -> Any:
    """A shift for units that work in shifts (hospital, fire service, Satpol PP)."""
    s = roster.shift_create(
        actor=request.auth,  # type: ignore[attr-defined]
        name=payload.name,
        start=payload.start,
        end=payload.end,
        unit_id=payload.unit_id,
    )
    return 201, ShiftOut(
        id=s.pk,
        name=s.name,
        start=s.start,
        end=s.end,
        unit_id=s.unit_id,
        crosses_midnight=s.crosses_midnight,
    )


class RosterRowIn(Schema):
    day: dt.date
    # A shift's name; empty: a rostered day off.
    shift: str = ""
    person_id: int | None = None
    nip: str = ""


class RosterIn(Schema):
    rows: list[RosterRowIn]


class RosterOut(Schema):
    imported: int


@router.post(
    "/attendance/roster",
    response={200: RosterOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def roster_import_api(request: HttpRequest, payload: RosterIn) -> Any:
    """Who works which shift on which day (overrides the unit's working hours for
    lateness and early leave). All rows or none."""
    count = roster.roster_import(
        actor=request.auth,  # type: ignore[attr-defined]
        rows=[roster.RosterRow(**r.dict()) for r in payload.rows],
    )
    return RosterOut(imported=count)
