"""The admin's drafting settings: naskah types, kop and number formats. Thin:
parse, call one domain function, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from warkat.accounts.models import Role
from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.drafting import errors
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.forms import DefaultFormatForm, KopForm, NaskahTypeForm
from warkat.drafting.models import Kop, NaskahType, NumberFormat
from warkat.drafting.setup_services import (
    kop_save,
    naskah_type_save,
    number_format_save,
)
from warkat.org.models import Unit


def _admin(request: HttpRequest) -> None:
    if not request.user.has_role(Role.TENANT_ADMIN):  # type: ignore[union-attr]
        raise errors.not_admin()


@tenant_view
@require_http_methods(["GET", "POST"])
def settings_home(request: HttpRequest) -> HttpResponse:
    _admin(request)
    tenant = request.tenant  # type: ignore[attr-defined]
    catalogue_ensure(tenant=tenant)
    default = NumberFormat.objects.filter(naskah_type__isnull=True).first()
    form = DefaultFormatForm(
        request.POST or None, initial={"pattern": default.pattern if default else ""}
    )
    if request.method == "POST" and form.is_valid():
        try:
            number_format_save(actor=request.user, tenant=tenant, naskah_type=None,
                               pattern=form.cleaned_data["pattern"])  # fmt: skip
            messages.success(request, _("Number format saved."))
            return redirect("drafting:settings")
        except DomainError as exc:
            form.add_error("pattern", exc.text())
    units = Unit.objects.filter(is_active=True, depth__lte=1).order_by("path")
    kops = {k.unit_id: k for k in Kop.objects.all()}
    return render(
        request,
        "drafting/settings.html",
        {
            "types": NaskahType.objects.order_by("name"),
            "units": [(u, kops.get(u.pk)) for u in units],
            "form": form,
        },
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def naskah_type_edit(request: HttpRequest, type_id: int | None = None) -> HttpResponse:
    _admin(request)
    tenant = request.tenant  # type: ignore[attr-defined]
    row = NaskahType.objects.filter(pk=type_id).first() if type_id else None
    if type_id and row is None:
        raise errors.draft_not_found()
    fmt = NumberFormat.objects.filter(naskah_type=row).first() if row else None
    initial: dict[str, Any] = {"is_active": True, "signer_titles": True}
    if row is not None:
        initial = {
            f: getattr(row, f)
            for f in ("code", "name", "family", "layout", "signer_titles", "has_event",
                      "internal_only", "is_active", "default_classification",
                      "template_html", "template_css")
        }  # fmt: skip
        initial["number_pattern"] = fmt.pattern if fmt else ""
    form = NaskahTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pattern = data.pop("number_pattern")
        try:
            saved = naskah_type_save(
                actor=request.user, tenant=tenant, naskah_type=row, **data
            )
            number_format_save(
                actor=request.user, tenant=tenant, naskah_type=saved, pattern=pattern
            )
            messages.success(request, _("Naskah type saved."))
            return redirect("drafting:settings")
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.text())
    return render(request, "drafting/type_edit.html", {"form": form, "row": row})


@tenant_view
@require_http_methods(["GET", "POST"])
def kop_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    _admin(request)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise errors.draft_not_found()
    kop = Kop.objects.filter(unit=unit).first()
    tenant = request.tenant  # type: ignore[attr-defined]
    initial = (
        {f: getattr(kop, f) for f in ("government_line", "name", "address", "phone", "email", "website")}
        if kop
        else {
            "government_line": f"Pemerintah {tenant.name}",
            "name": unit.name if unit.parent_id else "",
            "address": unit.address, "phone": unit.phone, "email": unit.email,
            "website": unit.website,
        }
    )  # fmt: skip
    form = KopForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            kop_save(actor=request.user, unit=unit, **data)
            messages.success(request, _("Kop saved."))
            return redirect("drafting:settings")
        except DomainError as exc:
            form.add_error(None, exc.text())
    return render(
        request, "drafting/kop_edit.html", {"form": form, "unit": unit, "kop": kop}
    )
