"""Pages of outgoing letters: the work lists, the editor, the letter page with its
paraf chain and actions, version comparison, the PDF, the number register and the
admin settings (naskah types, kop, number formats). Thin: parse, call one domain
function, render."""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warkat.accounts.models import Role
from warkat.archive.models import ClassificationCode
from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.drafting import errors, selectors
from warkat.drafting.api import drafts_box, pdf_response
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.fields import DUTY_TYPE, DraftFields, internal_target
from warkat.drafting.forms import (
    DefaultFormatForm,
    DraftForm,
    KopForm,
    NaskahTypeForm,
    NoteForm,
    ReserveForm,
    SignForm,
    VoidForm,
    external_lines,
    picked,
)
from warkat.drafting.models import (
    Draft,
    Kop,
    NaskahType,
    NumberEntry,
    NumberFormat,
    Recipient,
)
from warkat.drafting.sending import (
    delivery_retry,
    letter_sign,
    number_reserve,
    number_void,
    tenant_today,
)
from warkat.drafting.services import (
    StepInput,
    chain_set,
    draft_create,
    draft_submit,
    draft_update,
    review_approve,
    review_edit,
    review_return,
)
from warkat.drafting.setup_services import (
    kop_save,
    naskah_type_save,
    number_format_save,
)
from warkat.org.models import Position, Unit
from warkat.org.selectors import positions_held

FRAMEABLE = csp_override(
    {"default-src": [CSP.NONE], "frame-ancestors": [CSP.SELF], "img-src": [CSP.SELF]}
)
BOX_LABELS = {
    "mine": gettext_lazy("My drafts"),
    "review": gettext_lazy("To review"),
    "sign": gettext_lazy("To sign"),
    "registry": gettext_lazy("Signed letters"),
}


def _draft(request: HttpRequest, letter_id: int) -> Draft:
    return selectors.draft_for_user(user=request.user, letter_id=letter_id)


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.text())


# --- lists -------------------------------------------------------------------------


@tenant_view
@require_GET
def drafts_list(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "mine")
    box = box if box in BOX_LABELS else "mine"
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
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


# --- editor ------------------------------------------------------------------------


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
    draft = _draft(request, letter_id)
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


# --- the letter page and its actions -------------------------------------------------------


@tenant_view
@require_GET
def draft_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    draft = _draft(request, letter_id)
    page = selectors.draft_page(user=request.user, draft=draft)
    versions = page.versions
    return render(
        request,
        "drafting/detail.html",
        {
            "draft": draft,
            "letter": draft.letter,
            "page": page,
            "sign_form": SignForm(),
            "note_form": NoteForm(),
            "compare_a": versions[1].number if len(versions) > 1 else 1,
            "compare_b": versions[0].number if versions else 1,
        },
    )


@tenant_view
@require_POST
def draft_act(request: HttpRequest, letter_id: int, action: str) -> HttpResponse:
    """submit / approve / return / sign, each one service."""
    draft = _draft(request, letter_id)
    note = request.POST.get("note", "")
    try:
        if action == "submit":
            draft_submit(actor=request.user, draft=draft)
            messages.success(request, _("Submitted for paraf."))
        elif action == "approve":
            review_approve(actor=request.user, draft=draft, note=note)
            messages.success(request, _("Paraf given."))
        elif action == "return":
            review_return(actor=request.user, draft=draft, note=note)
            messages.success(request, _("Returned to the drafter."))
        elif action == "sign":
            form = SignForm(request.POST)
            if not form.is_valid():
                raise errors.invalid(
                    "sign_fields",
                    _("Enter your passphrase and authenticator code."),
                    "otp",
                )
            letter_sign(
                actor=request.user,
                draft=draft,
                passphrase=form.cleaned_data["passphrase"],
                otp=form.cleaned_data["otp"],
            )
            messages.success(request, _("Signed. The letter is being delivered."))
        else:
            raise errors.invalid("action_unknown", _("Unknown action."), "action")
    except DomainError as exc:
        _fail(request, exc)
    return redirect("drafting:detail", letter_id=letter_id)


@tenant_view
@require_http_methods(["GET", "POST"])
def draft_chain(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The drafter's chain editor: positions in order, hierarchy or coordination."""
    draft = _draft(request, letter_id)
    page = selectors.draft_page(user=request.user, draft=draft)
    steps = [(s.position, s.kind) for s in page.steps if s.kind != "signer"]
    if request.method == "POST":
        ids = request.POST.getlist("position")
        kinds = request.POST.getlist("kind")
        op = request.POST.get("op", "")
        wanted = [(int(i), k) for i, k in zip(ids, kinds, strict=False) if i.isdigit()]
        if op.startswith(("up:", "down:", "remove:")):
            verb, _sep, index_s = op.partition(":")
            index = int(index_s) if index_s.isdigit() else -1
            if 0 <= index < len(wanted):
                if verb == "remove":
                    wanted.pop(index)
                elif verb == "up" and index > 0:
                    wanted[index - 1], wanted[index] = wanted[index], wanted[index - 1]
                elif verb == "down" and index < len(wanted) - 1:
                    wanted[index + 1], wanted[index] = wanted[index], wanted[index + 1]
        elif op == "add" and request.POST.get("add_position", "").isdigit():
            wanted.append(
                (
                    int(request.POST["add_position"]),
                    request.POST.get("add_kind", "coordination"),
                )
            )
        positions = {
            p.pk: p for p in Position.objects.filter(pk__in=[i for i, _k in wanted])
        }
        try:
            chain_set(
                actor=request.user,
                draft=draft,
                steps=[StepInput(positions[i], k) for i, k in wanted if i in positions],
            )
            messages.success(request, _("Paraf chain saved."))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("drafting:chain", letter_id=letter_id)
    candidates = (
        Position.objects.filter(is_active=True)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    return render(
        request,
        "drafting/chain.html",
        {"draft": draft, "page": page, "steps": steps, "candidates": candidates},
    )


@tenant_view
@require_GET
def draft_compare(request: HttpRequest, letter_id: int) -> HttpResponse:
    draft = _draft(request, letter_id)
    try:
        a, b = int(request.GET.get("a", "1")), int(request.GET.get("b", "1"))
    except ValueError:
        a = b = 1
    cmp = selectors.versions_compare(draft=draft, a=a, b=b)
    versions = selectors.draft_page(user=request.user, draft=draft).versions
    return render(
        request,
        "drafting/compare.html",
        {"draft": draft, "cmp": cmp, "versions": versions},
    )


@xframe_options_sameorigin
@FRAMEABLE
@tenant_view
@require_GET
def draft_pdf_view(request: HttpRequest, letter_id: int) -> HttpResponse:
    return pdf_response(_draft(request, letter_id))


@tenant_view
@require_POST
def delivery_retry_view(
    request: HttpRequest, letter_id: int, delivery_id: int
) -> HttpResponse:
    draft = _draft(request, letter_id)
    delivery = draft.deliveries.filter(pk=delivery_id).first()
    if delivery is None:
        raise errors.draft_not_found()
    try:
        delivery_retry(actor=request.user, delivery=delivery)
        messages.success(request, _("The delivery is queued again."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("drafting:detail", letter_id=letter_id)


# --- number register ------------------------------------------------------------------


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
            _fail(request, exc)
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


# --- admin settings -----------------------------------------------------------------------


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
