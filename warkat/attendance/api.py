"""HTTP API of attendance: check-ins (phone, offline batch, machine), review of
flagged records, today's board, leave/correction requests and the monthly recap."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from warkat.api.base import ERROR_RESPONSES, ErrorOut, Id, scope
from warkat.attendance import errors, leave, selectors
from warkat.attendance.access import actor_person
from warkat.attendance.board_json import board_json
from warkat.attendance.checkin import checkin_record
from warkat.attendance.exports import recap_download
from warkat.attendance.fraud import flag_text
from warkat.attendance.leave_api import (
    DocumentIn,
    DocumentOut,
    document_out,
    documents_decode,
)
from warkat.attendance.models import AttendanceRequest, CheckIn
from warkat.attendance.recap import recap_month
from warkat.attendance.review import checkin_review
from warkat.attendance.status import Day
from warkat.core.errors import DomainError
from warkat.org.api import in_caller_tenant

router = Router(tags=["attendance"])

#: Records in one offline batch at most (a phone offline for a week holds ~20).
MAX_BATCH = 200


class CheckInIn(Schema):
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    # "web" (default), "offline" (queued on the phone) or "machine".
    source: str = "web"
    # The phone's (or machine's) time; required for offline and machine records.
    device_at: dt.datetime | None = None
    # A key the phone makes per tap: sending it again records nothing new.
    client_key: str = ""
    # "in"/"out"; by default the day's first record is in, later ones out.
    direction: str | None = None
    # Machines only: whose record it is.
    person_id: int | None = None
    nip: str = ""
    # When the tenant asks for selfies: the picture (base64 or a data: URL) with
    # each tap from the phone; offline-queued and machine records come without.
    selfie: str = ""


class FlagOut(Schema):
    code: str
    reason: str


class CheckInOut(Schema):
    id: int
    person_id: int
    direction: str
    at: dt.datetime
    day: dt.date
    recorded_at: dt.datetime
    device_at: dt.datetime | None
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    source: str
    location: str | None
    distance_m: int | None
    review: str
    flags: list[FlagOut]
    created: bool = False


class BatchIn(Schema):
    records: list[CheckInIn]


class CheckInReviewIn(Schema):
    decision: str
    reason: str


def checkin_out(record: CheckIn, created: bool = False) -> CheckInOut:
    return CheckInOut(
        id=record.pk,
        person_id=record.person_id,
        direction=record.direction,
        at=record.at,
        day=record.day,
        recorded_at=record.recorded_at,
        device_at=record.device_at,
        latitude=float(record.latitude) if record.latitude is not None else None,
        longitude=float(record.longitude) if record.longitude is not None else None,
        accuracy_m=record.accuracy_m,
        source=record.source,
        location=record.location.name if record.location_id else None,  # type: ignore[union-attr]
        distance_m=record.distance_m,
        review=record.review,
        flags=[FlagOut(code=f["code"], reason=flag_text(f)) for f in record.flags],
        created=created,
    )


def _record(user: Any, data: CheckInIn) -> Any:
    return checkin_record(
        actor=user,
        latitude=data.latitude,
        longitude=data.longitude,
        accuracy_m=data.accuracy_m,
        source=data.source,
        device_at=data.device_at,
        client_key=data.client_key,
        direction=data.direction,
        person_id=data.person_id,
        nip=data.nip,
        selfie=data.selfie,
    )


@router.post(
    "/attendance/check-ins",
    response={200: CheckInOut, 201: CheckInOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def checkin_api(request: HttpRequest, payload: CheckInIn) -> Any:
    """Check in or out. The server's time is recorded; a record outside every
    allowed place or with a suspicious position is recorded and flagged for review
    (``review`` "pending", ``flags`` with reasons). The same ``client_key`` again
    (or a second tap within the duplicate window) answers 200 with the first
    record; a new record answers 201."""
    result = _record(request.auth, payload)  # type: ignore[attr-defined]
    return (201 if result.created else 200), checkin_out(result.record, result.created)


class BatchItemOut(Schema):
    client_key: str
    record: CheckInOut | None = None
    error: ErrorOut | None = None


@router.post(
    "/attendance/check-ins/batch",
    response={200: list[BatchItemOut], **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def checkin_batch_api(request: HttpRequest, payload: BatchIn) -> Any:
    """Records queued offline, sent together when the network returns (at most 200,
    each with its ``client_key``: a replayed batch records nothing twice). Each
    record is recorded or refused on its own: the answer says, per record, what was
    recorded or why not, so one bad record never loses the others."""
    if len(payload.records) > MAX_BATCH:
        raise errors.batch_too_large(MAX_BATCH)
    user = request.auth  # type: ignore[attr-defined]
    out = []
    for item in payload.records:
        try:
            result = _record(user, item)
        except DomainError as exc:
            out.append(
                BatchItemOut(
                    client_key=item.client_key, error=ErrorOut(**exc.as_dict())
                )
            )
        else:
            out.append(
                BatchItemOut(
                    client_key=item.client_key,
                    record=checkin_out(result.record, result.created),
                )
            )
    return out


@router.get(
    "/attendance/check-ins",
    response={200: list[CheckInOut], **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def my_checkins_api(request: HttpRequest, day: dt.date | None = None) -> Any:
    """The caller's own records of a day (today by default)."""
    user = request.auth  # type: ignore[attr-defined]
    person, day = selectors.own_day(actor=user, day=day)
    return [checkin_out(r) for r in selectors.my_records(person=person, day=day)]


@router.get(
    "/attendance/reviews",
    response={200: list[CheckInOut], **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def reviews_api(request: HttpRequest) -> Any:
    """Flagged records the caller may decide (people below them; the personnel
    office: the tenant)."""
    user = request.auth  # type: ignore[attr-defined]
    return [checkin_out(r) for r in selectors.records_to_review(actor=user)]


@router.post(
    "/attendance/check-ins/{checkin_id}/review",
    response={200: CheckInOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def review_api(request: HttpRequest, checkin_id: Id, payload: CheckInReviewIn) -> Any:
    """Accept or reject a flagged record, with a reason (audited)."""
    user = request.auth  # type: ignore[attr-defined]
    record = checkin_review(
        actor=user,
        record_id=checkin_id,
        decision=payload.decision,
        reason=payload.reason,
    )
    return checkin_out(record)


class DayOut(Schema):
    status: str
    label: str
    late_min: int
    early_min: int
    missing_in: bool
    missing_out: bool
    check_in: dt.datetime | None
    check_out: dt.datetime | None
    pending_review: bool


def day_out(d: Day) -> DayOut:
    return DayOut(
        status=d.status,
        label=d.label,
        late_min=d.late_min,
        early_min=d.early_min,
        missing_in=d.missing_in,
        missing_out=d.missing_out,
        check_in=d.check_in,
        check_out=d.check_out,
        pending_review=d.pending_review,
    )


class BoardRowOut(Schema):
    person_id: int
    name: str
    position: str
    unit: str
    day: DayOut


class BoardOut(Schema):
    unit_id: int
    unit: str
    day: dt.date
    total: int
    present: int
    late: int
    away: int
    counts: dict[str, int]
    people: list[BoardRowOut]


@router.get(
    "/attendance/today",
    response={200: BoardOut, **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def today_api(request: HttpRequest, unit: Id | None = None) -> Any:
    """Today's board for a unit and everything below it (the caller's own unit by
    default): each person's status, and the counts per status."""
    user = request.auth  # type: ignore[attr-defined]
    target = selectors.visible_unit(actor=user, unit_id=unit)
    board = selectors.board_today(actor=user, unit=target)
    # Written straight to JSON in the shape of BoardOut (a test checks it against
    # the schema): a schema instance per row cost most of the answer's CPU.
    return HttpResponse(board_json(board), content_type="application/json")


class RequestIn(Schema):
    kind: str
    start_date: dt.date
    end_date: dt.date | None = None
    reason: str
    # Corrections: "in"/"out" and the time to record.
    correction_direction: str = ""
    correction_time: dt.time | None = None
    # The documents the tenant's rules require (a doctor's note), base64.
    documents: list[DocumentIn] = []


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class RequestOut(Schema):
    id: int
    person_id: int
    person: str
    kind: str
    kind_label: str
    start_date: dt.date
    end_date: dt.date
    days: int
    reason: str
    state: str
    approver_position_id: int
    correction_direction: str
    correction_time: dt.time | None
    decided_at: dt.datetime | None
    decision_note: str
    documents: list[DocumentOut]


def request_out(r: AttendanceRequest) -> RequestOut:
    return RequestOut(
        id=r.pk,
        person_id=r.person_id,
        person=r.person.display_name,
        kind=r.kind,
        kind_label=str(r.get_kind_display()),
        start_date=r.start_date,
        end_date=r.end_date,
        days=r.days,
        reason=r.reason,
        state=r.state,
        approver_position_id=r.approver_position_id,
        correction_direction=r.correction_direction,
        correction_time=r.correction_time,
        decided_at=r.decided_at,
        decision_note=r.decision_note,
        documents=[document_out(d) for d in r.documents.all()],
    )


@router.post(
    "/attendance/requests",
    response={201: RequestOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def request_submit_api(request: HttpRequest, payload: RequestIn) -> Any:
    """Ask for leave, permission, official duty (``kind``) or a correction of a
    day's record (``kind`` "koreksi" with direction and time). Goes to the
    superior position; overlapping another live request is 409."""
    created = leave.request_submit(
        actor=request.auth,  # type: ignore[attr-defined]
        kind=payload.kind,
        start_date=payload.start_date,
        end_date=payload.end_date,
        reason=payload.reason,
        correction_direction=payload.correction_direction,
        correction_time=payload.correction_time,
        documents=documents_decode(payload.documents),
    )
    return 201, request_out(created)


@router.get(
    "/attendance/requests",
    response={200: list[RequestOut], **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def requests_api(request: HttpRequest, to_decide: bool = False) -> Any:
    """The caller's own requests, or (``to_decide``) those waiting for them."""
    user = request.auth  # type: ignore[attr-defined]
    if to_decide:
        rows = selectors.requests_to_decide(actor=user)
    else:
        rows = list(
            selectors.requests_of(person=actor_person(user))
            .select_related("person")
            .prefetch_related("documents")
        )
    return [request_out(r) for r in rows]


@router.post(
    "/attendance/requests/{request_id}/decision",
    response={200: RequestOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def request_decide_api(
    request: HttpRequest, request_id: Id, payload: DecisionIn
) -> Any:
    """Approve or refuse (a refusal needs a note), as holder of the approver
    position today (definitif, Plt or Plh)."""
    decided = leave.request_decide(
        actor=request.auth,  # type: ignore[attr-defined]
        request_id=request_id,
        approve=payload.approve,
        note=payload.note,
    )
    return request_out(decided)


@router.post(
    "/attendance/requests/{request_id}/cancel",
    response={200: RequestOut, **ERROR_RESPONSES},
    auth=scope("attendance:write"),
)
@in_caller_tenant
def request_cancel_api(request: HttpRequest, request_id: Id) -> Any:
    """Withdraw one's own request before it is decided."""
    cancelled = leave.request_cancel(
        actor=request.auth,  # type: ignore[attr-defined]
        request_id=request_id,
    )
    return request_out(cancelled)


class RecapRowOut(Schema):
    person_id: int
    name: str
    nip: str | None
    position: str
    unit: str
    working_days: int
    present: int
    away: int
    tk: int
    statuses: dict[str, int]
    late_min: int
    early_min: int
    tl: list[int]
    psw: list[int]
    tpp_cut_pct: float


class RecapOut(Schema):
    unit_id: int
    unit: str
    month: str
    first: dt.date
    last: dt.date
    totals: dict[str, Any]
    people: list[RecapRowOut]


def _recap(request: HttpRequest, month: str, unit: int | None) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    target = selectors.visible_unit(actor=user, unit_id=unit)
    return recap_month(actor=user, unit=target, month=month)


@router.get(
    "/attendance/recap",
    response={200: RecapOut, **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def recap_api(request: HttpRequest, month: str, unit: Id | None = None) -> Any:
    """The month (``YYYY-MM``, not in the future) for a unit and everything below
    it: days by status, minutes late/early in bands TL1-TL4 and PSW1-PSW4 (1-30,
    31-60, 61-90, over 90 minutes; a missing check-in/out counts as band 4) and the
    TPP cut from the tenant's percentages."""
    recap = _recap(request, month, unit)
    return RecapOut(
        unit_id=recap.unit.pk,
        unit=recap.unit.name,
        month=f"{recap.first:%Y-%m}",
        first=recap.first,
        last=recap.last,
        totals=recap.totals,
        people=[
            RecapRowOut(
                person_id=r.person.pk,
                name=r.person.display_name,
                nip=r.person.nip,
                position=r.position,
                unit=r.unit,
                working_days=r.working_days,
                present=r.present,
                away=r.away,
                tk=r.tk,
                statuses=dict(r.statuses),
                late_min=r.late_min,
                early_min=r.early_min,
                tl=r.tl,
                psw=r.psw,
                tpp_cut_pct=float(r.cut_pct),
            )
            for r in recap.rows
        ],
    )


@router.get(
    "/attendance/recap/export",
    response={200: None, **ERROR_RESPONSES},
    summary="Monthly attendance recap as XLSX or PDF",
    auth=scope("attendance:read"),
)
@in_caller_tenant
def recap_export_api(
    request: HttpRequest, month: str, unit: Id | None = None, fmt: str = "xlsx"
) -> Any:
    """The recap as a file: ``fmt`` xlsx (default) or pdf."""
    recap = _recap(request, month, unit)
    return recap_download(recap, fmt)
