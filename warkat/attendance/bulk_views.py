"""The bulk correction page of the personnel office (after a machine outage)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from warkat.attendance import errors
from warkat.attendance.access import is_personnel_office
from warkat.attendance.bulk import bulk_correct, bulk_corrections
from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.org.selectors import units_filter


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise errors.bulk_dates_invalid(31) from None


@tenant_view
@require_http_methods(["GET", "POST"])
def bulk_page(request: HttpRequest) -> HttpResponse:
    if not is_personnel_office(request.user):
        raise errors.forbidden()
    if request.method == "POST":
        try:
            unit = request.POST.get("unit", "")
            if not unit.isdigit():
                raise errors.unit_not_found()
            batch = bulk_correct(
                actor=request.user,
                unit_id=int(unit),
                start=_day(request.POST.get("start_date", "")),
                end=_day(request.POST.get("end_date", "")),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.text())
        else:
            messages.success(
                request,
                _("%(count)s records added by corrections.")
                % {"count": batch.corrections},
            )
        return redirect("attendance:bulk")
    return render(
        request,
        "attendance/bulk.html",
        {"batches": bulk_corrections(), "units": units_filter()[:500]},
    )
