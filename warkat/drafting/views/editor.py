"""Pages of drafting outgoing letters: the work lists, the editor (new and edit)
and the recipient picker. Thin: parse, call one domain function, render."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from warkat.accounts.models import Role
from warkat.archive.models import ClassificationCode
from warkat.core.errors import DomainError
from warkat.core.http import page_number, tenant_view
from warkat.drafting import errors, selectors
from warkat.drafting.api import drafts_box
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.fields import DUTY_TYPE, DraftFields, internal_target
from warkat.drafting.forms import DraftForm, external_lines, picked
from warkat.drafting.models import Draft, NaskahType, Recipient
from warkat.drafting.services.drafts import draft_create, draft_update, review_edit
from warkat.drafting.views.common import draft_of
from warkat.org.models import Position
from warkat.org.selectors import positions_held

BOX_LABELS = {
    "mine": gettext_lazy("My drafts"),
    "review": gettext_lazy("To review"),
    "sign": gettext_lazy("To sign"),
    "registry": gettext_lazy("Signed letters"),
}


@tenant_view
@require_GET
def drafts_list(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "mine")
    box = box if box in BOX_LABELS else "mine"
    page = page_number(request)
    rows, has_next = drafts_box(request.user, box, page)
    context = {
        "box": box,
        "boxes": list(BOX_LABELS.items()),
        "rows": rows,
        "page": page,
        "has_next": has_next,
        "is_tu": request.user.has_role(Role.TU, Role.TENANT_ADMIN),  # type: ignore[union-attr]
        "is_admin": request.user.has_role(Role.TENANT_ADMIN),  # type: ignore[union-attr]
    }
    template = "drafting/list.html#rows" if request.htmx else "drafting/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _editor_choices(request: HttpRequest, form: DraftForm) -> None:
    catalogue_ensure(tenant=request.tenant)  # type: ignore[attr-defined]
    types = NaskahType.objects.filter(is_active=True).order_by("name")
    form.fields["naskah_type"].choices = [(t.code, t.name) for t in types]  # type: ignore[attr-defined]
    positions = (
        Position.objects.filter(is_active=True)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    form.fields["signer_position"].choices = [  # type: ignore[attr-defined]
        (str(p.pk), f"{p.name} — {p.unit.name}") for p in positions
    ]


def _fields_from(request: HttpRequest, form: DraftForm) -> DraftFields:
    data = form.cleaned_data
    naskah = NaskahType.objects.filter(code=data["naskah_type"], is_active=True).first()
    signer = Position.objects.filter(pk=data["signer_position"]).first()
    code = (data["classification"] or "").split(" ", 1)[0]
    classification = ClassificationCode.objects.filter(code=code).first()
    if naskah is None or signer is None:
        raise errors.invalid(
            "unknown_reference", _("Unknown reference."), "naskah_type"
        )
    if classification is None:
        raise errors.invalid(
            "classification_invalid",
            _("Unknown classification code."),
            "classification",
        )
    recipients = picked(request.POST.getlist("rcpt"))
    recipients += external_lines(data["external_to"], "to")
    recipients += external_lines(data["external_copy"], "copy")
    return DraftFields(
        subject=data["subject"],
        body=data["body"],
        naskah_type=naskah,
        signer_position=signer,
        capacity=data["capacity"] or "",
        security=data["security"],
        urgency=data["urgency"],
        classification=classification,
        about=data["about"],
        place=data["place"],
        event_day=data["event_day"],
        event_time=data["event_time"],
        event_place=data["event_place"],
        event_agenda=data["event_agenda"],
        recipients=recipients,
    )


def _initial(draft: Draft) -> dict[str, Any]:
    letter = draft.letter
    recipients = list(
        Recipient.objects.filter(draft=draft).order_by("-role", "order", "pk")
    )

    def lines(role: str) -> str:
        return "\n".join(
            " | ".join([r.label, r.email, r.address]).rstrip(" |")
            for r in recipients
            if r.role == role and r.kind == "external"
        )

    return {
        "naskah_type": draft.naskah_type.code,
        "subject": letter.subject,
        "about": draft.about,
        "body": draft.body,
        "signer_position": str(draft.signer_position_id),
        "capacity": draft.capacity,
        "security": letter.security,
        "urgency": letter.urgency,
        "classification": letter.classification.code if letter.classification else "",
        "place": draft.place,
        "event_day": draft.event_day,
        "event_time": draft.event_time,
        "event_place": draft.event_place,
        "event_agenda": draft.event_agenda,
        "external_to": lines("to"),
        "external_copy": lines("copy"),
    }


def _picked_for(draft: Draft | None, request: HttpRequest) -> list[dict[str, str]]:
    """The internal recipients to show as chips: from the draft, or re-posted."""
    if request.method == "POST":
        rows = []
        for value in request.POST.getlist("rcpt"):
            for item in picked([value]):
                rows.append(
                    {"value": value, "role": item.role, "label": _internal_label(item)}
                )
        return rows
    if draft is None:
        return []
    return [
        {"value": f"{r.role}:{r.kind}:{r.target_id}", "role": r.role, "label": r.label}
        for r in Recipient.objects.filter(draft=draft)
        .exclude(kind="external")
        .order_by("-role", "order", "pk")
    ]


def _internal_label(item: Any) -> str:
    """The name of a picked position or unit, shown again after a refused save."""
    try:
        _tenant_id, name, tenant_name = internal_target(item)
    except DomainError:
        return "?"
    return f"{name} ({tenant_name})"


@tenant_view
@require_http_methods(["GET", "POST"])
def draft_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    held = list(positions_held(person=user.person)) if user.person_id else []  # type: ignore[union-attr]
    form = DraftForm(request.POST or None, initial={"naskah_type": "surat-dinas"})
    _editor_choices(request, form)
    if not request.POST and held:
        form.initial["signer_position"] = str(
            held[0].position.superior_id or held[0].position_id
        )
    if request.method == "POST" and form.is_valid():
        try:
            drafter_position = Position.objects.filter(
                pk=request.POST.get("drafter_position")
            ).first()
            draft = draft_create(
                actor=request.user,
                fields=_fields_from(request, form),
                drafter_position=drafter_position,
                files=request.FILES.getlist("files"),
            )
            messages.success(request, _("Draft saved (version 1)."))
            return redirect("drafting:detail", letter_id=draft.letter_id)
        except DomainError as exc:
            form.add_error(None, exc.text())
    return render(
        request,
        "drafting/edit.html",
        {
            "form": form,
            "draft": None,
            "held": held,
            "picked": _picked_for(None, request),
        },
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, letter_id: int) -> HttpResponse:
    draft = draft_of(request, letter_id)
    form = DraftForm(request.POST or None, initial=_initial(draft))
    _editor_choices(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            fields = _fields_from(request, form)
            if fields.naskah_type.code == DUTY_TYPE:
                # The page has no inputs for a surat tugas's people and dates
                # (set through the API): saving keeps them.
                fields = dataclasses.replace(
                    fields,
                    duty_person_ids=draft.duty_person_ids,
                    duty_start=draft.duty_start,
                    duty_end=draft.duty_end,
                )
            remove = [
                int(v) for v in request.POST.getlist("remove_file") if v.isdigit()
            ]
            files = request.FILES.getlist("files")
            if draft.state == Draft.State.IN_REVIEW:
                version = review_edit(
                    actor=request.user, draft=draft, fields=fields,
                    note=form.cleaned_data["note"], files=files, remove_file_ids=remove,
                )  # fmt: skip
            else:
                version = draft_update(
                    actor=request.user, draft=draft, fields=fields, files=files,
                    remove_file_ids=remove,
                )  # fmt: skip
            messages.success(
                request, _("Saved as version %(n)s.") % {"n": version.number}
            )
            return redirect("drafting:detail", letter_id=letter_id)
        except DomainError as exc:
            form.add_error(None, exc.text())
    page = selectors.draft_page(user=request.user, draft=draft)
    return render(
        request,
        "drafting/edit.html",
        {
            "form": form,
            "draft": draft,
            "page": page,
            "picked": _picked_for(draft, request),
        },
    )


@tenant_view
@require_GET
def recipient_picker(request: HttpRequest) -> HttpResponse:
    """htmx: positions and units to address (this Pemda first, then others)."""
    items = selectors.recipient_search(
        tenant=request.tenant,  # type: ignore[attr-defined]
        query=request.GET.get("q", ""),
    )
    return render(
        request,
        "drafting/edit.html#picker",
        {
            "items": items,
            "role": request.GET.get("role", "to"),
            "own": request.tenant.pk,  # type: ignore[attr-defined]
        },
    )
