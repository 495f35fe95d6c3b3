"""The number register page: the numbers of a unit's naskah types by year, and
reserving or voiding a number (for the unit's TU). Thin: parse, call one domain
function, render."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.drafting import errors, selectors
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.forms import ReserveForm, VoidForm
from warkat.drafting.models import NaskahType, NumberEntry
from warkat.drafting.register import number_reserve, number_void, tenant_today
from warkat.drafting.views.common import error_show


@tenant_view
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    units = list(selectors.register_units(user=request.user))
    if not units:
        raise errors.not_tu()
    unit_id = request.GET.get("unit") or request.POST.get("unit") or str(units[0].pk)
    unit = next((u for u in units if str(u.pk) == unit_id), units[0])
    year = tenant_today(request.tenant).year  # type: ignore[attr-defined]
    with contextlib.suppress(ValueError):
        year = int(request.GET.get("year", year))
    catalogue_ensure(tenant=request.tenant)  # type: ignore[attr-defined]
    types = list(NaskahType.objects.filter(is_active=True).order_by("name"))
    reserve_form = ReserveForm(
        request.POST or None if request.POST.get("op") == "reserve" else None
    )
    reserve_form.fields["naskah_type"].choices = [(t.code, t.name) for t in types]  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            if request.POST.get("op") == "reserve" and reserve_form.is_valid():
                naskah = next(
                    t
                    for t in types
                    if t.code == reserve_form.cleaned_data["naskah_type"]
                )
                entry = number_reserve(
                    actor=request.user, unit=unit, naskah_type=naskah,
                    subject=reserve_form.cleaned_data["subject"],
                    classification_code=reserve_form.cleaned_data["classification"],
                )  # fmt: skip
                messages.success(
                    request, _("Number %(n)s reserved.") % {"n": entry.number}
                )
            elif request.POST.get("op") == "void":
                void_form = VoidForm(request.POST)
                entry = NumberEntry.objects.filter(
                    pk=request.POST.get("entry"), unit=unit
                ).first()
                if entry is None or not void_form.is_valid():
                    raise errors.invalid(
                        "reason_required",
                        _("Give the reason for voiding the number."),
                        "reason",
                    )
                number_void(
                    actor=request.user,
                    entry=entry,
                    reason=void_form.cleaned_data["reason"],
                )
                messages.success(
                    request, _("Number %(n)s voided.") % {"n": entry.number}
                )
        except DomainError as exc:
            error_show(request, exc)
        return redirect(f"{request.path}?unit={unit.pk}&year={year}")
    entries = list(selectors.number_register(user=request.user, unit=unit, year=year))
    return render(
        request,
        "drafting/register.html",
        {
            "units": units,
            "unit": unit,
            "year": year,
            "entries": entries,
            "reserve_form": reserve_form,
            "void_form": VoidForm(),
        },
    )
