"""Keerom's attendance demo: office and distrik work locations, a month of history
with a realistic mix, a flagged check-in to review, pending leave requests.

Coordinates: the government offices of Keerom in Arso and the distrik centres,
approximate to a few hundred metres (public maps), good enough for a demo geofence.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from warkat.attendance.models import CheckIn, PersonPlace, WorkLocation
from warkat.attendance.schedule import ScheduleBook, local_today
from warkat.org.models import Unit
from warkat.org.selectors import current_positions, people_filter
from warkat.tenancy.models import Tenant

#: Unit code (or distrik region code) → (place, latitude, longitude, radius m).
PLACES: dict[str, tuple[str, float, float, int]] = {
    "PEMDA": ("Kantor Bupati Keerom, Arso", -2.93650, 140.78840, 150),
    "SETDA": ("Kantor Sekretariat Daerah, Arso", -2.93690, 140.78790, 120),
    "DISKOMINFO": ("Kantor Dinas Kominfo, Arso", -2.93455, 140.78700, 100),
    "DINKES": ("Kantor Dinas Kesehatan, Arso", -2.93910, 140.79100, 100),
    "BKPSDM": ("Kantor BKPSDM, Arso", -2.93540, 140.78560, 100),
    "DISDIKBUD": (
        "Kantor Dinas Pendidikan dan Kebudayaan, Arso",
        -2.94120,
        140.78420,
        100,
    ),
    "BAPPEDA": ("Kantor Bappeda, Arso", -2.93780, 140.78980, 100),
    "91.11.01": ("Kantor Distrik Waris", -3.20350, 140.87790, 100),
    "91.11.02": ("Kantor Distrik Arso", -2.94800, 140.79350, 100),
    "91.11.03": ("Kantor Distrik Senggi", -3.42740, 140.77820, 100),
    "91.11.04": ("Kantor Distrik Web", -3.50900, 140.89600, 100),
    "91.11.05": ("Kantor Distrik Skanto", -3.01420, 140.81510, 100),
}
#: A puskesmas in a distrik: an extra place for the Dinkes staff serving there.
PUSKESMAS = ("Puskesmas Skanto", -3.01810, 140.81830, 80)


def _locations(tenant: Tenant) -> dict[str, WorkLocation]:
    made: dict[str, WorkLocation] = {}
    for key, (name, lat, lon, radius) in PLACES.items():
        unit = Unit.objects.filter(
            **({"region_code": key} if key[0].isdigit() else {"code": key})
        ).first()
        if unit is None:
            continue
        made[key], _created = WorkLocation.objects.get_or_create(
            tenant=tenant,
            unit=unit,
            name=name,
            defaults={
                "latitude": Decimal(f"{lat:.6f}"),
                "longitude": Decimal(f"{lon:.6f}"),
                "radius_m": radius,
            },
        )
    return made


def _jitter(
    rng: random.Random, lat: float, lon: float, metres: float
) -> tuple[Decimal, Decimal]:
    dlat = rng.uniform(-metres, metres) / 111_320
    dlon = rng.uniform(-metres, metres) / 111_320
    return Decimal(f"{lat + dlat:.6f}"), Decimal(f"{lon + dlon:.6f}")


def demo_attendance_load(
    *, tenant: Tenant, people: dict[str, Any], days: int = 30
) -> dict[str, Any]:
    """Load the demo (idempotent: nothing is added when records exist)."""
    locations = _locations(tenant)
    if CheckIn.objects.exists():
        return {"locations": locations}
    if "DINKES" in locations and people.get("kadis_dinkes") is not None:
        puskesmas = WorkLocation.objects.create(
            tenant=tenant,
            unit=locations["DINKES"].unit,
            name=PUSKESMAS[0],
            latitude=Decimal(f"{PUSKESMAS[1]:.6f}"),
            longitude=Decimal(f"{PUSKESMAS[2]:.6f}"),
            radius_m=PUSKESMAS[3],
        )
        PersonPlace.objects.create(
            tenant=tenant, person=people["kadis_dinkes"], location=puskesmas
        )
    rng = random.Random(9111)
    today = local_today(tenant)
    start = today - dt.timedelta(days=days)
    staff = list(people_filter())
    held = current_positions(person_ids={p.pk for p in staff}, on=today)
    book = ScheduleBook(tenant, start, today)
    by_code = {loc.unit.path: loc for loc in locations.values()}
    now = timezone.now()
    rows: list[CheckIn] = []
    for person in staff:
        if not held[person.pk]:
            continue
        path = held[person.pk][0].position.unit.path
        # The office of the nearest unit up the tree that has one.
        office = next(
            (by_code[p] for p in _ancestor_paths(path) if p in by_code),
            locations.get("PEMDA"),
        )
        if office is None:
            continue
        habit = rng.random()  # some people are often late, most are not
        day = start
        while day < today:
            plan = book.plan(day, path)
            day += dt.timedelta(days=1)
            if plan is None or rng.random() < 0.04:  # a few days absent
                continue
            late = rng.random() < (0.35 if habit > 0.8 else 0.08)
            arrive = plan.start + dt.timedelta(
                minutes=rng.randint(1, 95) if late else -rng.randint(0, 25)
            )
            leave = plan.end + dt.timedelta(
                minutes=-rng.randint(5, 70)
                if rng.random() < 0.06
                else rng.randint(0, 40)
            )
            for direction, at in (("in", arrive), ("out", leave)):
                lat, lon = _jitter(
                    rng, float(office.latitude), float(office.longitude), 40
                )
                rows.append(
                    CheckIn(
                        tenant=tenant,
                        person=person,
                        direction=direction,
                        at=at,
                        day=plan.start.date(),
                        recorded_at=at,
                        latitude=lat,
                        longitude=lon,
                        accuracy_m=round(rng.uniform(5, 30), 1),
                        source="web",
                        location=office,
                        distance_m=rng.randint(3, 45),
                    )
                )
    CheckIn.objects.bulk_create(rows, batch_size=1000)
    flagged = _flagged(tenant, people, locations, now)
    requests = _requests(tenant, staff, held)
    return {
        "locations": locations,
        "records": len(rows),
        "flagged": flagged,
        "requests": requests,
    }


class DemoActor:
    """The person acting in the demo, without an account: the services read only
    the person (and the audit log records no user)."""

    pk = None

    def __init__(self, person: Any) -> None:
        self.person = person
        self.person_id = person.pk

    def has_role(self, *roles: str) -> bool:
        return False


def _requests(tenant: Tenant, staff: list[Any], held: dict[int, Any]) -> list[Any]:
    """Pending requests from three people who have a superior: sick, annual
    leave, and a forgotten check-out to correct."""
    from warkat.attendance.documents import Upload
    from warkat.attendance.leave import request_submit
    from warkat.letters.samples import sample_pdf

    today = local_today(tenant)
    asking = [p for p in staff if held[p.pk] and held[p.pk][0].position.superior_id]
    made = []
    note = Upload(
        filename="surat-keterangan-dokter.pdf",
        data=sample_pdf(["Surat Keterangan Dokter", "Istirahat 2 (dua) hari"]),
    )
    specs = [
        ("sakit", 1, 2, "Demam tinggi, surat dokter terlampir", "", None),
        ("cuti_tahunan", 7, 11, "Urusan keluarga di Jayapura", "", None),
        ("koreksi", -1, -1, "Lupa absen pulang, rapat sampai sore", "out",
         dt.time(16, 10)),
    ]  # fmt: skip
    for person, (kind, first, last, reason, direction, time) in zip(
        asking[3:6], specs, strict=False
    ):
        start = _working_day(tenant, today, first)
        made.append(
            request_submit(
                actor=DemoActor(person),
                kind=kind,
                start_date=start,
                end_date=_working_day(tenant, today, last),
                reason=reason,
                correction_direction=direction,
                correction_time=time,
                documents=[note] if kind == "sakit" else [],
            )
        )
    return made


def _working_day(tenant: Tenant, today: dt.date, offset: int) -> dt.date:
    """The working day ``offset`` working days from today (negative: before)."""
    book = ScheduleBook(
        tenant, today - dt.timedelta(days=30), today + dt.timedelta(days=30)
    )
    day, step, left = today, (1 if offset >= 0 else -1), abs(offset)
    while left:
        day += dt.timedelta(days=step)
        if book.plan(day) is not None:
            left -= 1
    return day


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[:i]) + "/" for i in range(len(parts), 0, -1)]


def _flagged(
    tenant: Tenant, people: dict[str, Any], locations: dict[str, WorkLocation], now: Any
) -> CheckIn | None:
    """This morning a Kominfo staff member checked in 2.4 km from the office."""
    from warkat.attendance.checkin import checkin_record

    person = people.get("staf_kominfo")
    office = locations.get("DISKOMINFO")
    if person is None or office is None:
        return None

    return checkin_record(
        actor=DemoActor(person),
        latitude=float(office.latitude) - 0.0215,
        longitude=float(office.longitude) + 0.004,
        accuracy_m=18.0,
        client_key="demo-flagged",
    ).record
