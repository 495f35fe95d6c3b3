"""Attendance pages, phone first: check in with one tap (works offline), today's
board ("who is not here and why"), flagged records to review, requests."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warkat.attendance import leave, selectors
from warkat.attendance.access import actor_person
from warkat.attendance.balance import leave_balance
from warkat.attendance.documents import (
    MAX_BYTES,
    Upload,
    document_for_viewer,
    document_response,
    document_rules,
)
from warkat.attendance.errors import document_too_large
from warkat.attendance.exports import COLUMNS, recap_download
from warkat.attendance.fraud import flag_text
from warkat.attendance.models import Direction, RequestKind
from warkat.attendance.recap import recap_month
from warkat.attendance.review import checkin_review
from warkat.attendance.schedule import attendance_settings, local_today
from warkat.attendance.selfie import selfie_for_viewer, selfie_open
from warkat.core.errors import DomainError, ValidationError
from warkat.core.http import script_response, tenant_view
from warkat.org.selectors import unit_children


@tenant_view
@require_GET
def checkin_page(request: HttpRequest) -> HttpResponse:
    """One tap: the browser's position goes to the check-in API (queued on the
    phone while offline); today's records below it."""
    person, day = selectors.own_day(actor=request.user, day=None)
    records = [
        (r, [flag_text(f) for f in r.flags])
        for r in selectors.my_records(person=person, day=day).select_related("location")
    ]
    settings = attendance_settings(request.tenant)  # type: ignore[attr-defined]
    return render(
        request,
        "attendance/checkin.html",
        {
            "person": person,
            "day": day,
            "records": records,
            "selfie_required": settings.selfie_required,
        },
    )


@tenant_view
@require_GET
def selfie_view(request: HttpRequest, record_id: int) -> HttpResponse:
    """The selfie of a record, served to the person's superiors and the
    personnel office only (never a public URL; 404 for everyone else)."""
    selfie = selfie_for_viewer(actor=request.user, record_id=record_id)
    # A few tens of kilobytes (480 px JPEG): read whole, served by the app only.
    with selfie_open(selfie) as handle:
        response = HttpResponse(handle.read(), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="selfie-{record_id}.jpg"'
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The offline worker of the attendance pages (scope /absen/). Its shell names
    the page's script as the page asks for it (content-hashed), or the page would
    find no script offline."""
    response = script_response("attendance/sw.js")
    response.content = response.content.replace(
        b'"/static/attendance/checkin.js"',
        f'"{static("attendance/checkin.js")}"'.encode(),
    )
    return response


@tenant_view
@require_GET
def board_page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("unit", "")
    unit = selectors.visible_unit(
        actor=request.user, unit_id=int(raw) if raw.isdigit() else None
    )
    board = selectors.board_today(actor=request.user, unit=unit)
    return render(
        request,
        "attendance/board.html",
        {"board": board, "children": unit_children(unit=unit)},
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def review_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        record_id = request.POST.get("record", "")
        try:
            checkin_review(
                actor=request.user,
                record_id=int(record_id) if record_id.isdigit() else 0,
                decision=request.POST.get("decision", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.text())
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("attendance:review")
    rows = [
        (r, [flag_text(f) for f in r.flags])
        for r in selectors.records_to_review(actor=request.user)
    ]
    return render(request, "attendance/review.html", {"rows": rows})


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            "attendance.date_invalid", _("The date is not valid."), field=field
        ) from exc


def _time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _uploads(request: HttpRequest) -> list[Upload]:
    """The attached files, each read only when within the size limit."""
    files = request.FILES.getlist("documents")
    if any((f.size or 0) > MAX_BYTES for f in files):
        raise document_too_large(MAX_BYTES // (1024 * 1024))
    return [Upload(filename=f.name or "", data=f.read()) for f in files[:10]]


@tenant_view
@require_http_methods(["GET", "POST"])
def requests_page(request: HttpRequest) -> HttpResponse:
    person = actor_person(request.user)
    tenant = request.tenant  # type: ignore[attr-defined]
    settings = attendance_settings(tenant)
    if request.method == "POST":
        try:
            start = _date(request.POST.get("start_date", ""), "start_date")
            if start is None:
                raise ValidationError(
                    "attendance.date_invalid",
                    _("The date is not valid."),
                    field="start_date",
                )
            leave.request_submit(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                start_date=start,
                end_date=_date(request.POST.get("end_date", ""), "end_date"),
                reason=request.POST.get("reason", ""),
                correction_direction=request.POST.get("correction_direction", ""),
                correction_time=_time(request.POST.get("correction_time", "")),
                documents=_uploads(request),
            )
        except DomainError as exc:
            messages.error(request, exc.text())
        else:
            messages.success(request, _("Request sent to your superior."))
        return redirect("attendance:requests")
    to_decide = selectors.requests_to_decide(actor=request.user)
    year = local_today(tenant).year
    labels = dict(RequestKind.choices)
    return render(
        request,
        "attendance/requests.html",
        {
            "mine": selectors.requests_of(person=person).prefetch_related("documents")[
                :50
            ],
            "to_decide": [
                (
                    r,
                    leave_balance(
                        person=r.person_id, year=r.start_date.year, settings=settings
                    ),
                )
                for r in to_decide
            ],
            "balance": leave_balance(person=person, year=year, settings=settings),
            "document_rules": [
                (labels.get(k, k), n, name) for k, n, name in document_rules(settings)
            ],
            "kinds": RequestKind.choices,
            "directions": Direction.choices,
        },
    )


@tenant_view
@require_GET
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    """A request's document, for the requester, the approver chain and the
    personnel office only (404 for everyone else)."""
    document = document_for_viewer(actor=request.user, document_id=document_id)
    return document_response(document)


@tenant_view
@require_POST
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    try:
        if action == "cancel":
            leave.request_cancel(actor=request.user, request_id=request_id)
        elif action in ("approve", "refuse"):
            leave.request_decide(
                actor=request.user,
                request_id=request_id,
                approve=action == "approve",
                note=request.POST.get("note", ""),
            )
        else:
            return HttpResponse(status=404)
    except DomainError as exc:
        if exc.status_code == 404:
            raise
        messages.error(request, exc.text())
    else:
        messages.success(request, _("Done."))
    return redirect("attendance:requests")


@tenant_view
@require_GET
def recap_page(request: HttpRequest) -> HttpResponse:
    """The month's recap of a unit, with its XLSX and PDF exports."""
    tenant = request.tenant  # type: ignore[attr-defined]
    raw = request.GET.get("unit", "")
    unit = selectors.visible_unit(
        actor=request.user, unit_id=int(raw) if raw.isdigit() else None
    )
    month = request.GET.get("month") or f"{local_today(tenant):%Y-%m}"
    recap = recap_month(actor=request.user, unit=unit, month=month)
    fmt = request.GET.get("fmt", "")
    if fmt:
        return recap_download(recap, fmt)
    return render(
        request,
        "attendance/recap.html",
        {
            "recap": recap,
            "month": month,
            "columns": COLUMNS,
            "rows": [(r, [r.statuses[c] for c in COLUMNS]) for r in recap.rows],
        },
    )
