"""Annual leave balance (cuti tahunan) by the national rule, tenant-adjustable.

PP 11/2017 (as amended by PP 17/2020): 12 working days a year; the days not used
in a year may be used the next year, up to 18 days including that year's own;
days not used for two years or more in a row, up to 24 days. A request counts
working days only (weekends, national holidays, cuti bersama and the tenant's own
holidays are not leave days), and a request covers one calendar year.

Years before the first year whose leave is recorded here carry nothing over: an
installation does not know what people took before it.

Service (Pasal 311): only a PNS/CPNS who has worked one year without a break since
the TMT CPNS has annual leave. The TMT is read from the person's NIP (through the
org selectors); a year that ends before the first anniversary has no entitlement,
and a request may not start before it (``service_start``). A PPPK NIP holds the
TMT year only (counted from 1 January); people without a NIP (non-ASN) are not
held to it here.

Cuti bersama (Pasal 333): by the national rule it does not reduce annual leave,
and a PNS who by position is not given a cuti bersama day (rostered to work on
it) gets that day added to the year's entitlement. A tenant whose year's Keppres
says that cuti bersama counts against annual leave turns on
``cuti_bersama_reduces_annual``: every cuti bersama working day of the year is
then taken from the entitlement, except the days the person is rostered to work
(they keep those). Carry-over from earlier years counts the plain entitlement.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Min, Sum

from warkat.attendance.models import (
    AttendanceRequest,
    AttendanceSettings,
    RequestKind,
    RequestState,
    RosterEntry,
)
from warkat.dispositions.calendar import cuti_bersama_days
from warkat.org.models import Person
from warkat.org.selectors import appointment_date, people_by_ids


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def served_from(person: Person, months: int) -> dt.date | None:
    """The day the person has ``months`` of service since the TMT CPNS; None when
    the NIP does not tell (no condition is applied)."""
    tmt = appointment_date(person=person)
    if tmt is None:
        return None
    return months_after(tmt, months)


def service_start(person: Person, settings: AttendanceSettings) -> dt.date | None:
    """The first day the person has annual leave (TMT CPNS + the service months);
    None when the NIP does not tell (no condition is applied)."""
    return served_from(person, int(settings.annual_leave_service_months))


def bersama_counts(person_id: int, year: int) -> tuple[int, int]:
    """(cuti bersama working days of ``year``, those the person is rostered to
    work) — one query."""
    days = {d for d in cuti_bersama_days(year) if d.weekday() < 5}
    worked = RosterEntry.objects.filter(
        person_id=person_id, day__in=days, shift__isnull=False
    ).count()
    return len(days), worked


@dataclass(frozen=True)
class LeaveBalance:
    year: int
    entitlement: int  # the year's own days
    carried: int  # from earlier years, within the caps
    taken: int  # approved requests of the year
    pending: int  # requests awaiting a decision (reserved)
    eligible_from: dt.date | None = None  # first day of annual leave (service)
    bersama_deducted: int = 0  # cuti bersama days taken from the entitlement
    bersama_worked: int = 0  # cuti bersama days rostered to work (kept)

    @property
    def available(self) -> int:
        return self.entitlement + self.carried

    @property
    def left(self) -> int:
        return max(0, self.available - self.taken - self.pending)


def records_from(settings: AttendanceSettings, year: int) -> int:
    """The first year whose leave is recorded: the setting, else the year of the
    tenant's first request (``year`` when there is none)."""
    if settings.leave_records_from:
        return int(settings.leave_records_from)
    first = AttendanceRequest.objects.aggregate(d=Min("start_date"))["d"]
    return min(first.year, year) if first else year


def _days_by_year(person_id: int, years: list[int]) -> dict[tuple[int, str], int]:
    rows = (
        AttendanceRequest.objects.filter(
            person_id=person_id,
            kind=RequestKind.CUTI_TAHUNAN,
            state__in=(RequestState.APPROVED, RequestState.PENDING),
            start_date__year__in=years,
        )
        .values_list("start_date__year", "state")
        .annotate(n=Sum("days"))
    )
    return {(int(y), str(state)): int(n or 0) for y, state, n in rows}


def leave_balance(
    *, person: Person | int, year: int, settings: AttendanceSettings
) -> LeaveBalance:
    """The person's annual leave for ``year`` (four queries)."""
    if isinstance(person, int):
        person = people_by_ids(person_ids={person})[person]
    person_id = person.pk
    own = int(settings.annual_leave_days)
    eligible = service_start(person, settings)
    first = records_from(settings, year)
    used = _days_by_year(person_id, [year - 2, year - 1, year])

    def taken(y: int) -> int | None:
        """Approved days of a past year; None when that year is not recorded."""
        return used.get((y, RequestState.APPROVED), 0) if y >= first else None

    last, before = taken(year - 1), taken(year - 2)
    if last == 0 and before == 0:
        # Not used two years in a row: everything unused, up to the larger cap.
        total = min(int(settings.leave_cap_two_years), own * 3)
    elif last is not None:
        total = min(int(settings.leave_cap_one_year), own + max(0, own - last))
    else:
        total = own
    total = max(total, own)
    bersama, worked = bersama_counts(person_id, year)
    deducted = bersama - worked if settings.cuti_bersama_reduces_annual else 0
    added = 0 if settings.cuti_bersama_reduces_annual else worked
    entitlement = max(0, own - deducted) + added
    carried = total - own
    if eligible is not None and eligible > dt.date(year, 12, 31):
        entitlement = carried = 0  # less than the service condition all year
    return LeaveBalance(
        year=year,
        entitlement=entitlement,
        carried=carried,
        eligible_from=eligible,
        bersama_deducted=min(deducted, own),
        bersama_worked=worked,
        taken=used.get((year, RequestState.APPROVED), 0),
        pending=used.get((year, RequestState.PENDING), 0),
    )
