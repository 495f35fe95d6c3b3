"""Bulk correction by the personnel office after a machine outage.

For a date range (up to today) and a unit with everything below it, every
person-day that is a working day for the person (their unit's hours or their
roster), is not covered by an approved absence or official duty, and lacks a
check-in or a check-out gets an approved correction request (one per missing
record) and a record of source "correction" at the planned start or end of the
day. Nothing is edited: the original records stay, days already complete or
with a correction of the same record pending or approved are left alone. The
batch and every request are audited; the personnel office decides, so the
requests are approved at once in its name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from warkat.attendance import errors
from warkat.attendance.access import actor_person, is_personnel_office
from warkat.attendance.models import (
    AttendanceRequest,
    BulkCorrection,
    CheckIn,
    Direction,
    RequestKind,
    RequestState,
    Source,
)
from warkat.attendance.schedule import ScheduleBook, local_today
from warkat.attendance.selectors import unit_people
from warkat.attendance.status import DayStatus, days_of
from warkat.audit.services import audit_record
from warkat.notify.services import notice_send
from warkat.org.selectors import unit_find
from warkat.tenancy.clock import tenant_zone
from warkat.tenancy.scope import current_tenant

#: Longest outage one bulk correction covers (days).
MAX_DAYS = 31
#: Day statuses of a working day without an absence (the ones a record can fix).
AT_WORK = frozenset(
    {DayStatus.HADIR, DayStatus.TL, DayStatus.PSW, DayStatus.TL_PSW, DayStatus.TK,
     DayStatus.BELUM}
)  # fmt: skip
CAPACITY = "bkpsdm"


def _existing(person_ids: set[int], start: dt.date, end: dt.date) -> set[tuple]:
    return set(
        AttendanceRequest.objects.filter(
            person_id__in=person_ids,
            kind=RequestKind.KOREKSI,
            state__in=(RequestState.PENDING, RequestState.APPROVED),
            start_date__gte=start,
            start_date__lte=end,
        ).values_list("person_id", "start_date", "correction_direction")
    )


@transaction.atomic
def bulk_correct(
    *, actor: Any, unit_id: int, start: dt.date, end: dt.date, reason: str
) -> BulkCorrection:
    """Add the missing records of ``[start, end]`` for the unit's subtree."""
    tenant = current_tenant()
    assert tenant is not None
    if not is_personnel_office(actor):
        raise errors.forbidden()
    office = actor_person(actor)
    unit = unit_find(unit_id=unit_id)
    if unit is None:
        raise errors.unit_not_found()
    today = local_today(tenant)
    if end < start or end > today or (end - start).days >= MAX_DAYS:
        raise errors.bulk_dates_invalid(MAX_DAYS)
    if not reason.strip():
        raise errors.reason_required()
    now = timezone.now()
    tz = tenant_zone(tenant)
    _people, held, paths = unit_people(unit, today)
    book = ScheduleBook(tenant, start, end)
    days = days_of(book=book, people=paths, start=start, end=end, now=now)
    done = _existing(set(paths), start, end)
    batch = BulkCorrection.objects.create(
        tenant=tenant, unit=unit, start_date=start, end_date=end,
        reason=reason.strip()[:4000], created_by=office, created_at=now,
    )  # fmt: skip
    requests: list[AttendanceRequest] = []
    moments: list[dt.datetime] = []  # the planned start/end of each record
    for pk, by_day in days.items():
        if not held[pk]:
            continue
        position = held[pk][0].position
        for day, status in by_day.items():
            plan = book.plan(day, paths[pk], pk)
            if plan is None or status.status not in AT_WORK:
                continue
            wanted = []
            if status.check_in is None:
                wanted.append((Direction.IN, plan.start))
            if status.check_out is None and now >= plan.end:
                wanted.append((Direction.OUT, plan.end))
            for direction, at in wanted:
                if (pk, day, direction) in done:
                    continue
                moments.append(at)
                requests.append(
                    AttendanceRequest(
                        tenant=tenant, person_id=pk, kind=RequestKind.KOREKSI,
                        start_date=day, end_date=day, reason=batch.reason,
                        correction_direction=direction,
                        correction_time=at.astimezone(tz).time(),
                        approver_position_id=position.superior_id or position.pk,
                        state=RequestState.APPROVED, created_at=now,
                        decided_at=now, decided_by=office,
                        decided_capacity=CAPACITY, bulk=batch,
                    )
                )  # fmt: skip
    AttendanceRequest.objects.bulk_create(requests)
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                tenant=tenant,
                person_id=r.person_id,
                direction=r.correction_direction,
                at=at,
                day=r.start_date,
                recorded_at=now,
                source=Source.CORRECTION,
                request=r,
            )
            for r, at in zip(requests, moments, strict=True)
        ]
    )
    batch.corrections = len(requests)
    batch.save(update_fields=["corrections"])
    _tell_corrected(tenant.pk, {r.person_id for r in requests}, batch)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="attendance.bulk_correction",
        obj=batch,
        capacity=CAPACITY,
        data={
            "unit": unit.pk,
            "start": str(start),
            "end": str(end),
            "reason": batch.reason,
            "corrections": [
                [r.person_id, str(r.start_date), r.correction_direction]
                for r in requests
            ],
        },
    )
    return batch


def _tell_corrected(
    tenant_id: int, person_ids: set[int], batch: BulkCorrection
) -> None:
    """An in-app notice to each person whose attendance the batch corrected, queued
    with the batch's transaction (nothing is sent if it rolls back)."""
    with translation.override("id"):
        notice_send(
            tenant_id=tenant_id,
            person_ids=person_ids,
            kind="attendance.corrected",
            title=_("Your attendance was corrected by the personnel office"),
            body=_(
                "Missing check-ins or check-outs from %(start)s to %(end)s were "
                "added as approved corrections. Reason: %(reason)s"
            )
            % {
                "start": batch.start_date,
                "end": batch.end_date,
                "reason": batch.reason,
            },
            url="/absen/permohonan/",
        )


def bulk_corrections() -> list[BulkCorrection]:
    """The tenant's bulk corrections, newest first."""
    return list(
        BulkCorrection.objects.select_related("unit", "created_by").order_by("-pk")[:50]
    )
