"""HTTP API of the command centre: figures per unit of the caller's subtree and the
adoption figures (per hosted tenant for a province)."""

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.dashboard import datarequests as dr
from warkat.dashboard import errors, kinerja, services
from warkat.dashboard.cache import cached, ids_key
from warkat.dashboard.models import (
    UNIT_COUNTERS,
    AdoptionSnapshot,
    Assessment,
    DataRequest,
    DataRequestTarget,
)
from warkat.dashboard.monev import (
    TenantAdoption,
    adoption_for_host,
    adoption_own,
    may_see_adoption,
)
from warkat.dashboard.scope import require_scope
from warkat.dashboard.selectors import (
    Figures,
    figures_by_unit,
    parse_period,
    rolled_up,
)
from warkat.org.api import in_caller_tenant
from warkat.tenancy.clock import tenant_localdate

router = Router(tags=["dashboard"])


class FiguresOut(Schema):
    letters_in: int
    letters_in_paper: int
    letters_sent: int
    signed_tte: int
    numbered_paper: int
    drafts_created: int
    review_returns: int
    disp_made: int
    disp_received: int
    disp_read: int
    disp_followed_up: int
    disp_due: int
    disp_due_on_time: int
    active_users: int
    att_present: int = Field(description="Person-days present (late ones included)")
    att_late: int = Field(description="Person-days late (TL, TL and PSW)")
    att_absent: int = Field(description="Person-days absent without reason (TK)")
    att_leave: int = Field(description="Person-days on leave (izin, sakit, cuti)")
    att_duty: int = Field(description="Person-days on official duty (dinas luar)")
    overdue_at_end: int
    read_median_hours: float | None
    follow_median_hours: float | None
    on_time_share: float | None
    tte_share: float | None


class UnitFiguresOut(Schema):
    id: int
    parent_id: int | None
    name: str
    kind: str
    depth: int
    own: FiguresOut
    subtree: FiguresOut


class UnitsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    units: list[UnitFiguresOut]


def figures_dict(f: Figures) -> dict[str, Any]:
    """``f`` as ``FiguresOut`` says, as a plain dict (in the schema's field order)."""
    counts = {k: v for k, v in f.counts.items() if k != "disp_overdue_open"}
    return {
        **counts,
        "overdue_at_end": f.overdue,
        "read_median_hours": f.read_median_hours,
        "follow_median_hours": f.follow_median_hours,
        "on_time_share": f.on_time_share,
        "tte_share": f.tte_share,
    }


assert "disp_overdue_open" in UNIT_COUNTERS  # summed per day; shown as overdue_at_end


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _units_json(
    scope: Any, first: dt.date, last: dt.date
) -> dict[int, tuple[str, str]]:
    """Unit id → its own and its subtree's figures as JSON text, for every covered
    unit (what the cache keeps: the same text is shared, so the zeros of the many
    quiet units are kept once)."""
    own = figures_by_unit(unit_ids=scope.ids_below(None), first=first, last=last)
    subtree = rolled_up(scope=scope, own=own)
    texts: dict[str, str] = {}

    def text(f: Figures) -> str:
        dumped = _dumps(figures_dict(f))
        return texts.setdefault(dumped, dumped)

    zero = text(Figures())
    return {
        pk: (text(own[pk]) if pk in own else zero, text(subtree[pk]))
        for pk in scope.units
    }


@router.get(
    "/dashboard/units",
    response={200: UnitsOut, **ERROR_RESPONSES},
    summary="Figures per unit in the caller's subtree",
    auth=scope("dashboard:read"),
)
@in_caller_tenant
def units_api(
    request: HttpRequest,
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
) -> Any:
    """Each unit the caller leads (with everything below it): its own figures and its
    subtree's over ``from``..``to`` (local dates, default the last seven days)."""
    user = request.auth  # type: ignore[attr-defined]
    scope = require_scope(user=user)
    first, last = parse_period(date_from, date_to, today=tenant_localdate(user.tenant))
    figures = cached(
        f"units-json:{first}:{last}:{ids_key(scope.units)}",
        lambda: _units_json(scope, first, last),
    )
    # Written straight as JSON (the shape of ``UnitsOut``, checked by the tests): a
    # schema object per unit and figure set cost most of the answer's CPU for a
    # subtree of hundreds of units.
    units = ",".join(
        f'{{"id":{u.pk},"parent_id":{u.parent_id or "null"},"name":{_dumps(u.name)},'
        f'"kind":{_dumps(u.kind)},"depth":{u.depth},'
        f'"own":{figures[u.pk][0]},"subtree":{figures[u.pk][1]}}}'
        for u in sorted(scope.units.values(), key=lambda u: u.path)
    )
    body = f'{{"date_from":"{first}","date_to":"{last}","units":[{units}]}}'
    return HttpResponse(body, content_type="application/json; charset=utf-8")


class AdoptionRowOut(Schema):
    unit_name: str
    unit_kind: str
    accounts: int
    accounts_active_30d: int
    letters_in_system: int
    letters_in_paper: int
    letters_out: int
    letters_out_tte: int
    signers: int
    signers_certified: int
    never_logged_in: bool


class TenantAdoptionOut(Schema):
    tenant_id: int
    tenant_name: str
    as_of: dt.date | None
    total: AdoptionRowOut | None
    units: list[AdoptionRowOut]


class AdoptionOut(Schema):
    own: TenantAdoptionOut
    hosted: list[TenantAdoptionOut]


def _row_out(row: AdoptionSnapshot) -> AdoptionRowOut:
    return AdoptionRowOut(
        unit_name=row.unit_name,
        unit_kind=row.unit_kind,
        never_logged_in=row.never_logged_in,
        **{
            k: getattr(row, k)
            for k in AdoptionRowOut.model_fields
            if k not in {"unit_name", "unit_kind", "never_logged_in"}
        },
    )


def _tenant_out(entry: TenantAdoption) -> TenantAdoptionOut:
    return TenantAdoptionOut(
        tenant_id=entry.tenant_id,
        tenant_name=entry.tenant_name,
        as_of=entry.total.as_of if entry.total else None,
        total=_row_out(entry.total) if entry.total else None,
        units=[_row_out(r) for r in entry.units],
    )


@router.get(
    "/dashboard/adoption",
    response={200: AdoptionOut, **ERROR_RESPONSES},
    summary="Adoption figures of the caller's tenant and of the tenants it hosts",
    auth=scope("dashboard:read"),
)
@in_caller_tenant
def adoption_api(request: HttpRequest) -> Any:
    """Per reporting unit (OPD, distrik, kampung): accounts and their use in the last
    30 days, letters through the system or from paper, outgoing letters signed with
    TTE, signers with a certificate, units that never signed in. A province also gets
    the same aggregates of each tenant it hosts (never their letters or people)."""
    user = request.auth  # type: ignore[attr-defined]
    if not may_see_adoption(user=user):
        raise errors.no_adoption_access()
    own = adoption_own(tenant=user.tenant)
    hosted = adoption_for_host(host=user.tenant, actor=user)
    return AdoptionOut(
        own=_tenant_out(own), hosted=[_tenant_out(entry) for entry in hosted]
    )


class EvidenceOut(Schema):
    disp_received: int
    disp_due: int
    disp_due_on_time: int
    followups: int
    followups_on_time: int
    drafts_written: int
    letters_signed: int
    disp_made: int


class AssessmentOut(Schema):
    person_id: int
    month: str
    rating: str
    note: str


class KinerjaRowOut(Schema):
    person_id: int
    name: str
    positions: list[str]
    evidence: EvidenceOut
    assessment: AssessmentOut | None


class KinerjaOut(Schema):
    month: str
    own: KinerjaRowOut | None
    subordinates: list[KinerjaRowOut]


class AssessmentIn(Schema):
    month: str
    rating: str
    note: str = ""


def _assessment_out(a: Assessment) -> AssessmentOut:
    return AssessmentOut(
        person_id=a.person_id, month=f"{a.month:%Y-%m}", rating=a.rating, note=a.note
    )


def _kinerja_row(row: kinerja.KinerjaRow) -> KinerjaRowOut:
    return KinerjaRowOut(
        person_id=row.person.pk,
        name=row.person.display_name,
        positions=[p.name for p in row.positions],
        evidence=EvidenceOut(**row.evidence.counts),
        assessment=_assessment_out(row.assessment) if row.assessment else None,
    )


@router.get(
    "/dashboard/kinerja",
    response={200: KinerjaOut, **ERROR_RESPONSES},
    summary="The month's evidence of the caller and their direct subordinates",
    auth=scope("dashboard:read"),
)
@in_caller_tenant
def kinerja_api(
    request: HttpRequest,
    month: str | None = Query(None, description="YYYY-MM (default: this month)"),
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    first = kinerja.parse_month(month, today=tenant_localdate(user.tenant))
    mine = kinerja.own(user=user, month=first)
    return KinerjaOut(
        month=f"{first:%Y-%m}",
        own=_kinerja_row(mine) if mine else None,
        subordinates=[
            _kinerja_row(r) for r in kinerja.subordinates(user=user, month=first)
        ],
    )


@router.put(
    "/dashboard/kinerja/{person_id}",
    response={200: AssessmentOut, **ERROR_RESPONSES},
    summary="Rate a direct subordinate for a month (PermenPANRB 6/2022)",
    auth=scope("dashboard:write"),
)
@in_caller_tenant
def assessment_put_api(
    request: HttpRequest, person_id: Id, payload: AssessmentIn
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    first = kinerja.parse_month(
        payload.month or "-", today=tenant_localdate(user.tenant)
    )
    assessment = services.assessment_set(
        actor=user,
        person_id=person_id,
        month=first,
        rating=payload.rating,
        note=payload.note,
    )
    return _assessment_out(assessment)


# --- data requests for the public portal ---------------------------------------------


class ColumnIO(Schema):
    name: str
    type: str


class DataRequestIn(Schema):
    title: str
    period: str
    columns: list[ColumnIO]
    position_ids: list[int]
    deadline_days: int
    description: str = ""
    unit_of_measure: str = ""


class TargetOut(Schema):
    id: int
    request_id: int
    title: str
    position_id: int
    state: str
    deadline: dt.date
    late: bool
    rows: int
    review_note: str


class DataRequestOut(Schema):
    id: int
    title: str
    period: str
    columns: list[ColumnIO]
    deadline: dt.date
    targets: list[TargetOut]


class DataRequestsOut(Schema):
    sent: list[DataRequestOut]
    received: list[TargetOut]


class DataReviewIn(Schema):
    accept: bool
    note: str = ""


def _target_out(t: DataRequestTarget, today: dt.date) -> TargetOut:
    return TargetOut(
        id=t.pk,
        request_id=t.request_id,
        title=t.request.title,
        position_id=t.position_id,
        state=t.state,
        deadline=t.request.deadline,
        late=dr.is_late(t, today),
        rows=len(t.rows),
        review_note=t.review_note,
    )


def _request_out(r: DataRequest, today: dt.date) -> DataRequestOut:
    return DataRequestOut(
        id=r.pk,
        title=r.title,
        period=r.period,
        columns=[ColumnIO(**c) for c in r.columns],
        deadline=r.deadline,
        targets=[_target_out(t, today) for t in r.targets.all()],
    )


@router.get(
    "/dashboard/data-requests",
    response={200: DataRequestsOut, **ERROR_RESPONSES},
    summary="Data requests sent by and addressed to the caller's positions",
    auth=scope("dashboard:read"),
)
@in_caller_tenant
def data_requests_api(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    today = tenant_localdate(user.tenant)
    sent, received = dr.requests_of(user=user)
    return DataRequestsOut(
        sent=[_request_out(r, today) for r in sent],
        received=[_target_out(t, today) for t in received],
    )


@router.post(
    "/dashboard/data-requests",
    response={200: DataRequestOut, **ERROR_RESPONSES},
    summary="Ask positions for a typed table by a working-day deadline",
    auth=scope("dashboard:write"),
)
@in_caller_tenant
def data_request_create_api(request: HttpRequest, payload: DataRequestIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    created = dr.datarequest_create(
        actor=user,
        title=payload.title,
        period=payload.period,
        columns=[c.dict() for c in payload.columns],
        position_ids=payload.position_ids,
        deadline_days=payload.deadline_days,
        description=payload.description,
        unit_of_measure=payload.unit_of_measure,
    )
    return _request_out(created, tenant_localdate(user.tenant))


@router.post(
    "/dashboard/data-requests/targets/{target_id}/submission",
    response={200: TargetOut, **ERROR_RESPONSES},
    summary="Submit the table asked for (CSV or XLSX, validated per row and column)",
    auth=scope("dashboard:write"),
)
@in_caller_tenant
def submission_api(
    request: HttpRequest, target_id: Id, file: File[UploadedFile]
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    target = dr.target_for_user(user=user, target_id=target_id)
    dr.submission_upload_file(actor=user, target=target, upload=file)
    target = dr.target_for_user(user=user, target_id=target_id)
    return _target_out(target, tenant_localdate(user.tenant))


@router.post(
    "/dashboard/data-requests/targets/{target_id}/review",
    response={200: TargetOut, **ERROR_RESPONSES},
    summary="Accept (and publish) or return a submitted table",
    auth=scope("dashboard:write"),
)
@in_caller_tenant
def review_api(request: HttpRequest, target_id: Id, payload: DataReviewIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    target = dr.target_for_user(user=user, target_id=target_id)
    done = dr.submission_review(
        actor=user, target=target, accept=payload.accept, note=payload.note
    )
    return _target_out(done, tenant_localdate(user.tenant))
