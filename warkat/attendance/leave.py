"""Leave, permission and correction requests: submitted to the requester's superior
position, decided by whoever holds it that day (definitif, Plt or Plh).

A correction never edits a record: its approval adds a record (source
"correction") pointing at the request; the original stays visible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from warkat.attendance import errors
from warkat.attendance.access import actor_person
from warkat.attendance.balance import (
    leave_balance,
    months_after,
    served_from,
    service_start,
)
from warkat.attendance.documents import (
    Upload,
    documents_discard,
    documents_store,
    required_documents,
    uploads_check,
)
from warkat.attendance.models import (
    AttendanceRequest,
    CheckIn,
    Direction,
    RequestKind,
    RequestState,
    Source,
)
from warkat.attendance.rules import (
    LONG_LEAVE_KINDS,
    LONG_LEAVE_SERVICE_MONTHS,
    MAX_MONTHS,
)
from warkat.attendance.schedule import (
    ScheduleBook,
    attendance_settings,
    local_today,
)
from warkat.audit.services import audit_record
from warkat.notify.services import notice_send
from warkat.org.models import Person
from warkat.org.selectors import current_positions, holders_of, holds_position
from warkat.tenancy.clock import tenant_zone
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import current_tenant

MAX_SPAN = dt.timedelta(days=366)
LIVE = (RequestState.PENDING, RequestState.APPROVED)


def _tenant() -> Tenant:
    tenant = current_tenant()
    assert tenant is not None
    return tenant


#: First key of the advisory lock that serialises one person's requests.
_LOCK_NAMESPACE = 0x61627365  # "abse"


def _lock_person(person_id: int) -> None:
    """Two requests of the same person submitted at once must not both pass the
    overlap check: on PostgreSQL a transaction-scoped advisory lock per person
    (SQLite already runs one writer at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, person_id]
            )


def _overlapping(
    person: Person, start: dt.date, end: dt.date, kind: str, direction: str
) -> AttendanceRequest | None:
    live = AttendanceRequest.objects.filter(
        person=person, state__in=LIVE, start_date__lte=end, end_date__gte=start
    )
    if kind == RequestKind.KOREKSI:
        live = live.filter(kind=kind, correction_direction=direction)
    else:
        live = live.exclude(kind=RequestKind.KOREKSI)
    return live.order_by("start_date").first()


def _maternity_check(person: Person, children: int) -> None:
    """Cuti melahirkan is for the first ``children`` children born while a PNS
    (PP 11/2017: the first three); after that the leave is a cuti besar."""
    given = AttendanceRequest.objects.filter(
        person=person,
        kind=RequestKind.CUTI_MELAHIRKAN,
        state=RequestState.APPROVED,
    ).count()
    if given >= children:
        raise errors.maternity_limit(children)


def _notify(
    tenant: Tenant, person_ids: set[int], kind: str, title: str, body: str
) -> None:
    notice_send(
        tenant_id=tenant.pk,
        person_ids=person_ids,
        kind=kind,
        title=title,
        body=body,
        url="/absen/permohonan/",
    )


def request_submit(
    *,
    actor: Any,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    reason: str,
    correction_direction: str = "",
    correction_time: dt.time | None = None,
    documents: list[Upload] | None = None,
) -> AttendanceRequest:
    """Ask the superior position for leave, permission, official duty or a
    correction of a day's record, with the documents the tenant's rules require
    (a doctor's note); the stored files are deleted if the request is refused."""
    stored: list[str] = []
    try:
        return _submit(
            actor=actor,
            kind=kind,
            start_date=start_date,
            end_date=end_date,
            reason=reason,
            correction_direction=correction_direction,
            correction_time=correction_time,
            documents=documents or [],
            stored=stored,
        )
    except BaseException:
        documents_discard(stored)
        raise


@transaction.atomic
def _submit(
    *,
    actor: Any,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None,
    reason: str,
    correction_direction: str,
    correction_time: dt.time | None,
    documents: list[Upload],
    stored: list[str],
) -> AttendanceRequest:
    tenant = _tenant()
    person = actor_person(actor)
    if kind not in RequestKind.values:
        raise errors.kind_invalid()
    end = end_date or start_date
    long_leave = kind == RequestKind.CUTI_CLTN  # up to years, checked below
    if end < start_date or (not long_leave and end - start_date > MAX_SPAN):
        raise errors.dates_invalid()
    if not reason.strip():
        raise errors.reason_required()
    today = local_today(tenant)
    if kind == RequestKind.KOREKSI:
        if (
            end != start_date
            or start_date > today
            or correction_direction not in Direction.values
            or correction_time is None
        ):
            raise errors.correction_invalid()
    else:
        correction_direction, correction_time = "", None
    held = current_positions(person_ids={person.pk}, on=today)[person.pk]
    superior = next(
        (a.position.superior_id for a in held if a.position.superior_id), None
    )
    if superior is None:
        raise errors.no_superior()
    path = held[0].position.unit.path
    days = ScheduleBook(tenant, start_date, end).working_days(start_date, end, path)
    if kind != RequestKind.KOREKSI and days == 0:
        raise errors.no_working_day()
    if kind == RequestKind.CUTI_TAHUNAN and end.year != start_date.year:
        raise errors.leave_spans_years()
    settings = attendance_settings(tenant)
    longest = settings.cltn_max_months if long_leave else MAX_MONTHS.get(kind)
    if longest is not None and end >= months_after(start_date, int(longest)):
        raise errors.leave_too_long(int(longest))
    if kind == RequestKind.CUTI_TAHUNAN:
        eligible = service_start(person, settings)
        if eligible is not None and start_date < eligible:
            raise errors.service_too_short(eligible)
    if kind in LONG_LEAVE_KINDS:
        eligible = served_from(person, LONG_LEAVE_SERVICE_MONTHS)
        if eligible is not None and start_date < eligible:
            raise errors.long_leave_service_too_short(eligible)
    pairs = uploads_check(documents, required_documents(settings, kind, days))
    _lock_person(person.pk)
    clash = _overlapping(person, start_date, end, kind, correction_direction)
    if clash is not None:
        raise errors.overlap(clash.start_date, clash.end_date)
    if kind == RequestKind.CUTI_MELAHIRKAN:
        _maternity_check(person, int(settings.maternity_children))
    if kind == RequestKind.CUTI_TAHUNAN:
        left = leave_balance(person=person, year=start_date.year, settings=settings)
        if days > left.left:
            raise errors.balance_exceeded(left.left)
    request = AttendanceRequest.objects.create(
        tenant=tenant,
        person=person,
        kind=kind,
        start_date=start_date,
        end_date=end,
        reason=reason.strip()[:4000],
        days=days if kind != RequestKind.KOREKSI else 0,
        correction_direction=correction_direction,
        correction_time=correction_time,
        approver_position_id=superior,
        created_at=timezone.now(),
    )
    attached = documents_store(request=request, pairs=pairs, stored=stored)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="attendance.request_submitted",
        obj=request,
        data={
            "kind": kind,
            "start": str(start_date),
            "end": str(end),
            "days": days,
            "documents": [d.name for d in attached],
        },
    )
    with translation.override("id"):
        _notify(
            tenant,
            holders_of(position_ids={superior}, on=today) - {person.pk},
            "attendance.request",
            _("Request for approval: %(kind)s from %(name)s")
            % {"kind": request.get_kind_display(), "name": person.display_name},
            _("%(start)s to %(end)s.") % {"start": start_date, "end": end},
        )
    return request


def _locked(request_id: int) -> AttendanceRequest:
    found = (
        AttendanceRequest.objects.select_for_update()
        .select_related("person")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise errors.request_not_found()
    return found


@transaction.atomic
def request_decide(
    *, actor: Any, request_id: int, approve: bool, note: str = ""
) -> AttendanceRequest:
    """Approve or refuse (with a reason) as a holder of the approver position."""
    tenant = _tenant()
    decider = actor_person(actor)
    request = _locked(request_id)
    today = local_today(tenant)
    assignment = holds_position(
        person=decider, position=request.approver_position, on=today
    )
    if assignment is None or decider.pk == request.person_id:
        if request.person_id != decider.pk:
            raise errors.request_not_found()
        raise errors.not_approver()
    if request.state != RequestState.PENDING:
        raise errors.wrong_state(request.get_state_display())
    if not approve and not note.strip():
        raise errors.reason_required()
    request.state = RequestState.APPROVED if approve else RequestState.REFUSED
    request.decided_at = timezone.now()
    request.decided_by = decider
    request.decided_capacity = assignment.kind
    request.decision_note = note.strip()[:2000]
    request.save(
        update_fields=[
            "state", "decided_at", "decided_by", "decided_capacity", "decision_note",
        ]
    )  # fmt: skip
    if approve and request.kind == RequestKind.KOREKSI:
        assert request.correction_time is not None
        at = dt.datetime.combine(
            request.start_date, request.correction_time, tzinfo=tenant_zone(tenant)
        )
        CheckIn.objects.create(
            tenant=tenant,
            person_id=request.person_id,
            direction=request.correction_direction,
            at=at,
            day=request.start_date,
            recorded_at=request.decided_at,
            source=Source.CORRECTION,
            request=request,
        )
    audit_record(
        tenant=tenant,
        actor=actor,
        action=f"attendance.request_{request.state}",
        obj=request,
        capacity=assignment.kind,
        data={"note": request.decision_note},
    )
    with translation.override("id"):
        _notify(
            tenant,
            {request.person_id},
            "attendance.decided",
            _("Your request (%(kind)s) was %(state)s")
            % {
                "kind": request.get_kind_display(),
                "state": request.get_state_display().lower(),
            },
            request.decision_note,
        )
    return request


@transaction.atomic
def request_cancel(*, actor: Any, request_id: int) -> AttendanceRequest:
    """The requester withdraws a request not decided yet."""
    person = actor_person(actor)
    request = _locked(request_id)
    if request.person_id != person.pk:
        raise errors.request_not_found()
    if request.state != RequestState.PENDING:
        raise errors.wrong_state(request.get_state_display())
    request.state = RequestState.CANCELLED
    request.save(update_fields=["state"])
    audit_record(
        tenant=_tenant(),
        actor=actor,
        action="attendance.request_cancelled",
        obj=request,
    )
    return request
