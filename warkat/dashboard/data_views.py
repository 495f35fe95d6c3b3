"""Pages of the data requests: send one, upload the table asked for, review it,
unpublish a dataset. The public portal is in ``warkat.dashboard.portal``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.dashboard import datarequests as dr
from warkat.dashboard.models import ColumnType
from warkat.org.selectors import positions_by_id
from warkat.tenancy.clock import tenant_localdate


def parse_columns(text: str) -> list[dict[str, str]]:
    """``name:type`` per line (type defaults to text)."""
    columns = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _sep, kind = line.rpartition(":") if ":" in line else (line, "", "text")
        columns.append({"name": name.strip(), "type": kind.strip().lower() or "text"})
    return columns


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit()]


def _context(request: HttpRequest, error: str | None = None) -> dict[str, Any]:
    user = request.user
    sent, received = dr.requests_of(user=user)
    today = tenant_localdate(request.tenant)  # type: ignore[attr-defined]
    targets = [t for r in sent for t in r.targets.all()]
    names = positions_by_id(ids={t.position_id for t in targets + received})
    datasets = dr.published_of(targets=targets)
    return {
        "sent": [
            (
                r,
                [
                    (
                        t,
                        names.get(t.position_id),
                        dr.is_late(t, today),
                        datasets.get(t.pk),
                    )
                    for t in r.targets.all()
                ],
            )
            for r in sent
        ],
        "received": [(t, dr.is_late(t, today)) for t in received],
        "types": ColumnType.choices,
        "error": error,
        "tenant_slug": request.tenant.slug,  # type: ignore[attr-defined]
    }


@tenant_view
@require_GET
def data_page(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/data.html", _context(request))


def _done(request: HttpRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("dashboard:data")


def _failed(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if exc.status_code in (403, 404):
        raise exc
    context = _context(request, error=exc.text())
    context["details"] = exc.details
    context["error_code"] = exc.code
    return render(request, "dashboard/data.html", context, status=exc.status_code)


@tenant_view
@require_POST
def data_create(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.POST.get("deadline_days", "") or 0)
        dr.datarequest_create(
            actor=request.user,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            period=request.POST.get("period", ""),
            unit_of_measure=request.POST.get("unit_of_measure", ""),
            columns=parse_columns(request.POST.get("columns", "")),
            position_ids=_ids(request.POST.getlist("position_ids")),
            deadline_days=days,
        )
    except ValueError:
        return _failed(request, dr.bad_days())
    except DomainError as exc:
        return _failed(request, exc)
    return _done(request, _("Data request sent."))


@tenant_view
@require_POST
def data_upload(request: HttpRequest, target_id: int) -> HttpResponse:
    target = dr.target_for_user(user=request.user, target_id=target_id)
    upload = request.FILES.get("file")
    try:
        dr.submission_upload_file(actor=request.user, target=target, upload=upload)
    except DomainError as exc:
        return _failed(request, exc)
    return _done(request, _("Data submitted for review."))


@tenant_view
@require_POST
def data_review(request: HttpRequest, target_id: int) -> HttpResponse:
    target = dr.target_for_user(user=request.user, target_id=target_id)
    accept = request.POST.get("decision") == "accept"
    try:
        dr.submission_review(
            actor=request.user,
            target=target,
            accept=accept,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        return _failed(request, exc)
    return _done(request, _("Accepted and published.") if accept else _("Returned."))


@tenant_view
@require_POST
def dataset_unpublish(request: HttpRequest, dataset_id: int) -> HttpResponse:
    dataset = dr.dataset_get(dataset_id=dataset_id)
    dr.dataset_unpublish(actor=request.user, dataset=dataset)
    return _done(request, _("Dataset unpublished; its history is kept."))
