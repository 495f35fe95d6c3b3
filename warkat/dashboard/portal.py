"""The tenant's public data portal: published datasets without sign-in, as a page
with a preview, CSV, XLSX and a JSON feed with Satu Data Indonesia metadata
(Perpres 39/2019: title, description, producer, period, update date, unit, licence).

Only published rows are read, inside the named tenant's scope; an unpublished or
another tenant's dataset is "not found".
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from warkat.core.errors import NotFound
from warkat.dashboard.models import Dataset
from warkat.dashboard.selectors import published, published_one
from warkat.tenancy.models import Tenant

LICENCE = "CC BY 4.0"
PREVIEW_ROWS = 50


def _tenant(slug: str) -> Tenant:
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
    if tenant is None:
        raise Http404
    return tenant


def _dataset(tenant: Tenant, dataset_id: int) -> Dataset:
    try:
        return published_one(tenant=tenant, dataset_id=dataset_id)
    except NotFound as exc:
        raise Http404 from exc


def metadata(request: HttpRequest, tenant: Tenant, d: Dataset) -> dict[str, Any]:
    base = reverse("dashboard:portal_dataset", args=[tenant.slug, d.pk])
    return {
        "id": d.pk,
        "title": d.title,
        "description": d.description,
        "producer": d.producer,
        "publisher": tenant.name,
        "period": d.period,
        "unit_of_measure": d.unit_of_measure,
        "modified": d.published_at.isoformat(),
        "license": LICENCE,
        "columns": d.columns,
        "distribution": {
            fmt: request.build_absolute_uri(f"{base}{fmt}/")
            for fmt in ("csv", "xlsx", "json")
        },
    }


def _safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


@require_GET
def portal_index(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _tenant(slug)
    return render(
        request,
        "dashboard/portal_index.html",
        {"tenant": tenant, "datasets": published(tenant=tenant)},
    )


@require_GET
def portal_dataset(request: HttpRequest, slug: str, dataset_id: int) -> HttpResponse:
    tenant = _tenant(slug)
    dataset = _dataset(tenant, dataset_id)
    return render(
        request,
        "dashboard/portal_dataset.html",
        {
            "tenant": tenant,
            "d": dataset,
            "preview": dataset.rows[:PREVIEW_ROWS],
            "more": max(0, len(dataset.rows) - PREVIEW_ROWS),
        },
    )


@require_GET
def portal_download(
    request: HttpRequest, slug: str, dataset_id: int, fmt: str
) -> HttpResponse:
    tenant = _tenant(slug)
    d = _dataset(tenant, dataset_id)
    header = [c["name"] for c in d.columns]
    name = f"{tenant.slug}-dataset-{d.pk}"
    if fmt == "json":
        return JsonResponse(
            {
                **metadata(request, tenant, d),
                "rows": [dict(zip(header, r, strict=True)) for r in d.rows],
            }
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([_safe(v) for v in row] for row in d.rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for row in d.rows:
            sheet.append([_safe(v) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def portal_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The catalogue of the tenant's published datasets (metadata, no rows)."""
    tenant = _tenant(slug)
    return JsonResponse(
        {
            "publisher": tenant.name,
            "datasets": [
                metadata(request, tenant, d) for d in published(tenant=tenant)
            ],
        }
    )
