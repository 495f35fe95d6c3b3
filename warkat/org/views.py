"""Organisation pages: the unit tree, units, positions, people, assignments, imports."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.org import errors, forms, selectors
from warkat.org.imports.applying import import_file
from warkat.org.imports.columns import COLUMNS, KINDS, template_csv, template_xlsx
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.nip import rank_label
from warkat.org.permissions import (
    can_manage_unit,
    is_org_admin,
    require_manage_unit,
    require_org_admin,
)
from warkat.org.services import assignments as assignment_services
from warkat.org.services import people as person_services
from warkat.org.services import positions as position_services
from warkat.org.services import units as unit_services


def _get(model: Any, pk: int, what: str, **related: Any) -> Any:
    qs = model.objects.filter(pk=pk)
    if related.get("r"):
        qs = qs.select_related(*related["r"])
    obj = qs.first()
    if obj is None:
        raise errors.not_found(what)
    return obj


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], **kw: Any
) -> HttpResponse:
    context.setdefault("is_org_admin", is_org_admin(user=request.user))
    return render(request, template, context, **kw)


# --- tree and units -----------------------------------------------------------------


@tenant_view
def tree(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    if q:
        nodes, matches = selectors.unit_search(q=q)
    else:
        nodes, matches = selectors.unit_tree(), None
    context = {"nodes": nodes, "q": q, "matches": matches}
    if request.htmx:  # type: ignore[attr-defined]
        return _page(request, "org/tree.html#tree", context)
    return _page(request, "org/tree.html", context)


@tenant_view
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """One tree node's children, fetched when the node is expanded (htmx)."""
    unit = _get(Unit, pk, "unit")
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("org:unit", pk=unit.pk)
    nodes = selectors.unit_child_nodes(unit=unit)
    return render(request, "org/_children.html", {"nodes": nodes})


@tenant_view
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get(Unit, pk, "unit")
    return _page(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "ancestors": selectors.unit_ancestors(unit=unit),
            "children": selectors.unit_children(unit=unit),
            "positions": selectors.positions_with_holders(unit=unit).filter(
                is_active=True
            ),
            "can_manage": can_manage_unit(user=request.user, unit=unit)
            and is_org_admin(user=request.user),
        },
    )


def _form_page(
    request: HttpRequest,
    form: Any,
    title: str,
    save: Any,
    *,
    back: str,
) -> HttpResponse:
    """Shared POST handling: run ``save`` (a service call) and redirect, or show the
    form again with the domain error on its field."""
    if request.method == "POST" and form.is_valid():
        try:
            url = save(form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(url)
    status = 422 if request.method == "POST" else 200
    return _page(
        request,
        "org/form.html",
        {"form": form, "title": title, "back": back},
        status=status,
    )


@tenant_view
def unit_create(request: HttpRequest) -> HttpResponse:
    require_org_admin(user=request.user, tenant=request.tenant)  # type: ignore[attr-defined]
    initial = {"parent": request.GET.get("parent")}
    form = forms.UnitForm(request.POST or None, initial=initial, user=request.user)

    def save(data: dict[str, Any]) -> str:
        unit = unit_services.unit_create(
            tenant=request.tenant,  # type: ignore[attr-defined]
            actor=request.user,
            **data,
        )
        return reverse("org:unit", args=[unit.pk])

    return _form_page(request, form, _("New unit"), save, back=reverse("org:tree"))


@tenant_view
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get(Unit, pk, "unit")
    require_manage_unit(user=request.user, unit=unit)
    initial = {
        f: getattr(unit, f)
        for f in ("kind", "name", "code", "address", "phone", "email", "website")
    }
    initial["parent"] = unit.parent_id
    form = forms.UnitForm(
        request.POST or None, initial=initial, user=request.user, unit=unit
    )

    def save(data: dict[str, Any]) -> str:
        unit_services.unit_update(unit=unit, actor=request.user, **data)
        return reverse("org:unit", args=[unit.pk])

    return _form_page(
        request,
        form,
        _("Edit unit %(name)s") % {"name": unit.name},
        save,
        back=reverse("org:unit", args=[unit.pk]),
    )


@tenant_view
@require_POST
def unit_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get(Unit, pk, "unit")
    unit_services.unit_deactivate(unit=unit, actor=request.user)
    messages.success(request, _("Unit deactivated."))
    return redirect("org:unit", pk=unit.parent_id)


# --- positions ----------------------------------------------------------------------


@tenant_view
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = _get(Position, pk, "position", r=("unit", "superior"))
    return _page(
        request,
        "org/position_detail.html",
        {
            "position": position,
            "history": selectors.position_history(position=position),
            "holders": list(selectors.position_holders(position=position)),
            "subordinates": Position.objects.filter(
                superior=position, is_active=True
            ).select_related("unit"),
            "can_manage": is_org_admin(user=request.user)
            and can_manage_unit(user=request.user, unit=position.unit),
        },
    )


@tenant_view
def position_create(request: HttpRequest) -> HttpResponse:
    require_org_admin(user=request.user, tenant=request.tenant)  # type: ignore[attr-defined]
    initial = {"unit": request.GET.get("unit")}
    form = forms.PositionForm(request.POST or None, initial=initial, user=request.user)

    def save(data: dict[str, Any]) -> str:
        position = position_services.position_create(
            tenant=request.tenant,  # type: ignore[attr-defined]
            actor=request.user,
            **data,
        )
        return reverse("org:position", args=[position.pk])

    return _form_page(request, form, _("New position"), save, back=reverse("org:tree"))


@tenant_view
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = _get(Position, pk, "position", r=("unit",))
    require_manage_unit(user=request.user, unit=position.unit)
    initial = {
        f: getattr(position, f)
        for f in ("name", "code", "category", "eselon", "is_head")
    }
    initial |= {"unit": position.unit_id, "superior": position.superior_id}
    form = forms.PositionForm(request.POST or None, initial=initial, user=request.user)

    def save(data: dict[str, Any]) -> str:
        position_services.position_update(position=position, actor=request.user, **data)
        return reverse("org:position", args=[position.pk])

    return _form_page(
        request,
        form,
        _("Edit position %(name)s") % {"name": position.name},
        save,
        back=reverse("org:position", args=[position.pk]),
    )


# --- people -------------------------------------------------------------------------


@tenant_view
def people(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    page = selectors.people_page(q=q, page=request.GET.get("page", 1))
    context = {"page": page, "q": q}
    if request.htmx:  # type: ignore[attr-defined]
        return _page(request, "org/people.html#results", context)
    return _page(request, "org/people.html", context)


@tenant_view
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(Person, pk, "person")
    return _page(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "rank": rank_label(person.rank),
            "history": selectors.person_history(person=person),
        },
    )


_PERSON_FIELDS = (
    "front_title",
    "full_name",
    "back_title",
    "employee_type",
    "nip",
    "rank",
    "sex",
    "email",
    "phone",
)


@tenant_view
def person_create(request: HttpRequest) -> HttpResponse:
    require_org_admin(user=request.user, tenant=request.tenant)  # type: ignore[attr-defined]
    form = forms.PersonForm(request.POST or None)

    def save(data: dict[str, Any]) -> str:
        person = person_services.person_create(
            tenant=request.tenant,  # type: ignore[attr-defined]
            actor=request.user,
            **data,
        )
        return reverse("org:person", args=[person.pk])

    return _form_page(request, form, _("New person"), save, back=reverse("org:people"))


@tenant_view
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(Person, pk, "person")
    require_org_admin(user=request.user, tenant=request.tenant)  # type: ignore[attr-defined]
    initial = {f: getattr(person, f) for f in _PERSON_FIELDS}
    form = forms.PersonForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> str:
        if data.get("nip"):
            data["sex"] = ""
        person_services.person_update(person=person, actor=request.user, **data)
        return reverse("org:person", args=[person.pk])

    return _form_page(
        request,
        form,
        _("Edit %(name)s") % {"name": person.display_name},
        save,
        back=reverse("org:person", args=[person.pk]),
    )


# --- assignments --------------------------------------------------------------------


@tenant_view
def assignment_create(request: HttpRequest) -> HttpResponse:
    require_org_admin(user=request.user, tenant=request.tenant)  # type: ignore[attr-defined]
    initial: dict[str, Any] = {
        "position": request.GET.get("position"),
        "kind": "definitif",
    }
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        preset = Person.objects.filter(pk=int(person_id)).first()
        if preset is not None:
            initial["person"] = preset.nip or preset.full_name
    form = forms.AssignmentForm(
        request.POST or None, initial=initial, user=request.user
    )

    def save(data: dict[str, Any]) -> str:
        assignment = assignment_services.assignment_create(
            tenant=request.tenant,  # type: ignore[attr-defined]
            actor=request.user,
            **data,
        )
        return reverse("org:position", args=[assignment.position_id])

    return _form_page(
        request, form, _("New assignment"), save, back=reverse("org:people")
    )


@tenant_view
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _get(Assignment, pk, "assignment", r=("person", "position__unit"))
    require_manage_unit(user=request.user, unit=assignment.position.unit)
    form = forms.AssignmentEndForm(request.POST or None)

    def save(data: dict[str, Any]) -> str:
        assignment_services.assignment_end(
            assignment=assignment, actor=request.user, **data
        )
        return reverse("org:position", args=[assignment.position_id])

    title = _("End assignment: %(person)s as %(position)s") % {
        "person": assignment.person.display_name,
        "position": f"{assignment.capacity_prefix} {assignment.position.name}".strip(),
    }
    return _form_page(
        request,
        form,
        title,
        save,
        back=reverse("org:position", args=[assignment.position_id]),
    )


# --- imports ------------------------------------------------------------------------

_KIND_TITLES = {
    "units": gettext_lazy("Units"),
    "positions": gettext_lazy("Positions"),
    "people": gettext_lazy("People and assignments"),
}


def _staged_name(request: HttpRequest, token: str) -> str:
    # Tenant and user in the path: a token only ever opens its own uploader's file.
    return f"imports/{request.tenant.pk}/{request.user.pk}/{token}"  # type: ignore[attr-defined]


def _require_import(request: HttpRequest, kind: str) -> None:
    from warkat.accounts.permissions import require_role

    require_role(user=request.user, roles={"tenant_admin"})
    if kind not in KINDS:
        raise errors.not_found("unit")


@tenant_view
def import_index(request: HttpRequest) -> HttpResponse:
    require_org_admin(user=request.user, tenant=request.tenant)  # type: ignore[attr-defined]
    kinds = [
        {"kind": k, "title": _KIND_TITLES[k], "columns": COLUMNS[k]} for k in KINDS
    ]
    return _page(request, "org/import_index.html", {"kinds": kinds})


@tenant_view
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        raise errors.not_found("unit")
    if fmt == "csv":
        body, ctype = template_csv(kind), "text/csv; charset=utf-8"
    else:
        body = template_xlsx(kind)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="warkat-{kind}.{fmt}"'
    return response


@tenant_view
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload → dry-run report; the file waits in storage until confirmed."""
    _require_import(request, kind)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "kind": kind, "title": _KIND_TITLES[kind]}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(settings.WARKAT_IMPORT_MAX_BYTES + 1)
        try:
            report = import_file(
                tenant=request.tenant,  # type: ignore[attr-defined]
                actor=request.user,
                kind=kind,
                name=upload.name,
                data=data,
                dry_run=True,
            )
        except DomainError as exc:
            form.add_error("file", exc.text())
            return _page(request, "org/import_upload.html", context, status=422)
        context["report"] = report
        if not report.has_errors:
            token = f"{uuid.uuid4().hex}-{upload.name.rsplit('.', 1)[-1].lower()[:5]}"
            default_storage.save(_staged_name(request, token), ContentFile(data))
            context["token"] = token
        return _page(request, "org/import_upload.html", context)
    return _page(request, "org/import_upload.html", context)


@tenant_view
@require_POST
def import_confirm(request: HttpRequest, kind: str) -> HttpResponse:
    _require_import(request, kind)
    token = request.POST.get("token", "")
    name = _staged_name(request, token)
    if not token.replace("-", "").isalnum() or not default_storage.exists(name):
        messages.error(request, _("The uploaded file has expired; upload it again."))
        return redirect("org:import_upload", kind=kind)
    with default_storage.open(name) as handle:
        data = handle.read()
    try:
        report = import_file(
            tenant=request.tenant,  # type: ignore[attr-defined]
            actor=request.user,
            kind=kind,
            name=f"upload.{token.rsplit('-', 1)[-1]}",
            data=data,
            dry_run=False,
        )
    finally:
        default_storage.delete(name)
    if report.applied:
        counts = report.counts
        messages.success(
            request,
            _(
                "Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
            )
            % counts,
        )
        return redirect("org:import_index")
    context = {
        "form": forms.ImportForm(),
        "kind": kind,
        "title": _KIND_TITLES[kind],
        "report": report,
    }
    return _page(request, "org/import_upload.html", context, status=422)
