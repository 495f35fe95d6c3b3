"""Recording a check-in or check-out: server time, the allowed places, the flags.

A record outside every allowed place, or with a suspicious position, is still
recorded and marked for review with its reasons. The same tap sent again (the
phone's ``client_key``, or a second tap within the duplicate window) gives back the
first record instead of a second one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from warkat.accounts.models import Role
from warkat.attendance import errors
from warkat.attendance.access import actor_person, home_unit_paths
from warkat.attendance.fraud import (
    accuracy_flag,
    flag,
    offline_gap_flag,
    repeated_flag,
    travel_flag,
)
from warkat.attendance.geo import Place, distance_m, nearest, valid_coordinates
from warkat.attendance.models import (
    AttendanceSettings,
    CheckIn,
    Direction,
    Review,
    Source,
    WorkLocation,
)
from warkat.attendance.schedule import attendance_settings, record_day
from warkat.attendance.selfie import (
    Picture,
    selfie_decode,
    selfie_store,
    selfies_discard,
)
from warkat.org.models import Person
from warkat.org.selectors import person_find
from warkat.tenancy.scope import current_tenant

#: How far back an offline record may be (a phone kept offline over a weekend).
OFFLINE_MAX_AGE = dt.timedelta(days=7)
#: Phones' clocks drift; a device time this far ahead of the server is refused.
CLOCK_SKEW = dt.timedelta(minutes=5)
_SIX = Decimal("0.000001")


@dataclass(frozen=True)
class CheckInResult:
    record: CheckIn
    created: bool


def places_for(person: Person) -> list[Place]:
    """The places ``person`` may check in at: those of the units of the positions
    they hold and of those units' ancestors (a bidang works in its dinas's office),
    and the extra places assigned to them."""
    unit_ids = {
        int(p) for path in home_unit_paths(person) for p in path.split("/") if p
    }
    rows = WorkLocation.objects.filter(is_active=True).filter(
        Q(unit_id__in=unit_ids) | Q(assigned__person_id=person.pk)
    )
    return [
        Place(r.pk, r.name, float(r.latitude), float(r.longitude), r.radius_m)
        for r in rows.distinct()
    ]


def _coordinates(
    latitude: float | None, longitude: float | None, accuracy: float | None
) -> tuple[Decimal, Decimal]:
    if latitude is None or longitude is None:
        raise errors.coordinates_missing()
    if not valid_coordinates(latitude, longitude, accuracy):
        raise errors.coordinates_invalid()
    return (
        Decimal(str(latitude)).quantize(_SIX, ROUND_HALF_UP),
        Decimal(str(longitude)).quantize(_SIX, ROUND_HALF_UP),
    )


def _position_flags(
    *,
    person: Person,
    lat: Decimal,
    lon: Decimal,
    accuracy: float | None,
    at: dt.datetime,
    day: dt.date,
    settings: AttendanceSettings,
    previous: CheckIn | None,
) -> tuple[list[dict[str, Any]], Place | None, float | None]:
    place, distance = nearest(float(lat), float(lon), places_for(person))
    flags = place_flags(place, distance, accuracy)
    for found in (
        accuracy_flag(accuracy, settings),
        travel_flag(
            previous=previous,
            lat=float(lat),
            lon=float(lon),
            accuracy=accuracy,
            at=at,
            settings=settings,
        ),
        repeated_flag(
            person_id=person.pk, day=day, lat=lat, lon=lon, settings=settings
        ),
    ):
        if found:
            flags.append(found)
    return flags, place, distance


def place_flags(
    place: Place | None, distance: float | None, accuracy: float | None
) -> list[dict[str, Any]]:
    """The geofence's flags: no place at all, outside the nearest, or an accuracy
    worse than its radius."""
    if place is None or distance is None:
        return [flag("no_place")]
    flags = []
    if distance > place.radius_m:
        flags.append(flag("outside", distance=round(distance), place=place.name))
    if accuracy is not None and accuracy > place.radius_m:
        flags.append(
            flag("inaccurate", accuracy=round(accuracy), radius=place.radius_m)
        )
    return flags


def _machine_person(actor: Any, person_id: int | None, nip: str) -> Person:
    if not actor.has_role(Role.MESIN_ABSEN, Role.KEPEGAWAIAN):
        raise errors.forbidden()
    person = person_find(person_id=person_id, nip=nip.strip())
    if person is None:
        raise errors.not_found()
    return person


def checkin_record(
    *,
    actor: Any,
    latitude: float | None,
    longitude: float | None,
    accuracy_m: float | None = None,
    source: str = Source.WEB,
    device_at: dt.datetime | None = None,
    client_key: str = "",
    direction: str | None = None,
    person_id: int | None = None,
    nip: str = "",
    selfie: str = "",
) -> CheckInResult:
    """Record a check-in (or check-out) of the actor, or of the person a machine
    names. The direction, when not given, is "in" for the day's first record and
    "out" afterwards (the last check-out of the day counts).

    When the tenant asks for selfies, a tap from the phone (source "web") must
    carry one (base64); records from the offline queue and machines come without
    (see ``attendance.selfie``). With the setting off a picture is ignored."""
    if source not in (Source.WEB, Source.OFFLINE, Source.MACHINE):
        raise errors.source_invalid()
    if direction not in (None, "", Direction.IN, Direction.OUT):
        raise errors.direction_invalid()
    if source == Source.MACHINE:
        person = _machine_person(actor, person_id, nip)
    else:
        person = actor_person(actor)
    machine = source == Source.MACHINE
    lat = lon = None
    if not (machine and latitude is None and longitude is None):
        lat, lon = _coordinates(latitude, longitude, accuracy_m)
    now = timezone.now()
    if source in (Source.OFFLINE, Source.MACHINE):
        # The tap happened earlier than it arrives: the device (or machine) time
        # stands for it, within limits; the gap is flagged below.
        if device_at is None or timezone.is_naive(device_at):
            raise errors.device_time_invalid()
        if device_at > now + CLOCK_SKEW or device_at < now - OFFLINE_MAX_AGE:
            raise errors.device_time_invalid()
        at = min(device_at, now)
    else:
        at = now
    tenant = current_tenant()
    assert tenant is not None
    key = client_key.strip()[:64]
    if key:
        existing = CheckIn.objects.filter(person=person, client_key=key).first()
        if existing is not None:
            return CheckInResult(existing, False)
    settings = attendance_settings(tenant)
    picture = _picture(settings, source, selfie)
    day = record_day(tenant, person.pk, at)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _record(
                person=person, tenant=tenant, settings=settings, at=at, day=day,
                now=now, lat=lat, lon=lon, accuracy=accuracy_m, source=source,
                device_at=device_at, key=key, direction=direction or None,
                picture=picture, stored=stored,
            )  # fmt: skip
    except BaseException as exc:
        selfies_discard(stored)
        if not isinstance(exc, IntegrityError):
            raise
        # The same key raced in from a retry: the first one stands.
        existing = CheckIn.objects.filter(person=person, client_key=key).first()
        if key and existing is not None:
            return CheckInResult(existing, False)
        raise


def _picture(settings: AttendanceSettings, source: str, raw: str) -> Picture | None:
    """The selfie to keep with this tap, checked before anything is written."""
    if not settings.selfie_required or source != Source.WEB:
        return None
    if not raw.strip():
        raise errors.selfie_missing()
    return selfie_decode(raw)


#: Two taps this close (and within the window) are one tap sent twice.
SAME_PLACE_M = 50


def _same_tap(
    previous: CheckIn | None,
    source: str,
    at: dt.datetime,
    lat: Decimal | None,
    lon: Decimal | None,
    direction: str | None,
    settings: AttendanceSettings,
) -> bool:
    """A double tap: same source and place within the duplicate window. A tap from
    somewhere else is a new record (and the travel check judges it)."""
    if previous is None or previous.source != source:
        return False
    if abs(previous.at - at) > dt.timedelta(seconds=settings.duplicate_window_s):
        return False
    if direction is not None and previous.direction != direction:
        return False
    if lat is None or lon is None or previous.latitude is None:
        return lat is None and previous.latitude is None
    assert previous.longitude is not None
    apart = distance_m(
        float(previous.latitude), float(previous.longitude), float(lat), float(lon)
    )
    return apart <= SAME_PLACE_M


def _record(
    *,
    person: Person,
    tenant: Any,
    settings: AttendanceSettings,
    at: dt.datetime,
    day: dt.date,
    now: dt.datetime,
    lat: Decimal | None,
    lon: Decimal | None,
    accuracy: float | None,
    source: str,
    device_at: dt.datetime | None,
    key: str,
    direction: str | None,
    picture: Picture | None,
    stored: list[str],
) -> CheckInResult:
    previous = (
        CheckIn.objects.filter(person=person)
        .exclude(review=Review.REJECTED)
        .order_by("-at", "-pk")
        .first()
    )
    if _same_tap(previous, source, at, lat, lon, direction, settings):
        assert previous is not None
        return CheckInResult(previous, False)
    if direction is None:
        has_in = CheckIn.objects.filter(
            person=person, day=day, direction=Direction.IN
        ).exclude(review=Review.REJECTED)
        direction = Direction.OUT if has_in.exists() else Direction.IN
    flags: list[dict[str, Any]] = []
    place = None
    distance = None
    if lat is not None and lon is not None:
        flags, place, distance = _position_flags(
            person=person, lat=lat, lon=lon, accuracy=accuracy, at=at, day=day,
            settings=settings, previous=previous,
        )  # fmt: skip
    if source == Source.OFFLINE and device_at is not None:
        gap = offline_gap_flag(recorded_at=now, device_at=device_at, settings=settings)
        if gap:
            flags.append(gap)
    record = CheckIn.objects.create(
        tenant=tenant,
        person=person,
        direction=direction,
        at=at,
        day=day,
        recorded_at=now,
        device_at=device_at,
        latitude=lat,
        longitude=lon,
        accuracy_m=accuracy,
        source=source,
        location_id=place.id if place else None,
        distance_m=round(distance) if distance is not None else None,
        flags=flags,
        review=Review.PENDING if flags else Review.NONE,
        client_key=key,
    )
    if picture is not None:
        selfie_store(record=record, picture=picture, stored=stored)
    return CheckInResult(record, True)
