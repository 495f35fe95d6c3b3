"""Annual leave balance (cuti tahunan) by the national rule, tenant-adjustable.

PP 11/2017 (as amended by PP 17/2020): 12 working days a year; the days not used
in a year may be used the next year, up to 18 days including that year's own;
days not used for two years or more in a row, up to 24 days. A request counts
working days only (weekends, national holidays, cuti bersama and the tenant's own
holidays are not leave days), and a request covers one calendar year.

Years before the first year whose leave is recorded here carry nothing over: an
installation does not know what people took before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Min, Sum

from warkat.attendance.models import (
    AttendanceRequest,
    AttendanceSettings,
    RequestKind,
    RequestState,
)
from warkat.org.models import Person


@dataclass(frozen=True)
class LeaveBalance:
    year: int
    entitlement: int  # the year's own days
    carried: int  # from earlier years, within the caps
    taken: int  # approved requests of the year
    pending: int  # requests awaiting a decision (reserved)

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
    """The person's annual leave for ``year`` (two queries)."""
    person_id = person if isinstance(person, int) else person.pk
    own = int(settings.annual_leave_days)
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
    return LeaveBalance(
        year=year,
        entitlement=own,
        carried=total - own,
        taken=used.get((year, RequestState.APPROVED), 0),
        pending=used.get((year, RequestState.PENDING), 0),
    )
