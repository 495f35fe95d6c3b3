"""Pages of incoming letters: inbox, registration, the letter page, files, exports."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warkat.archive.models import ClassificationCode
from warkat.archive.selectors import (
    classification_option_text,
    classification_search,
)
from warkat.core.errors import DomainError, PermissionDenied
from warkat.core.http import page_number, tenant_view
from warkat.dispositions.calendar import add_working_days_many
from warkat.dispositions.rules import (
    default_deadline_days,
    disposition_candidates,
    disposition_settings,
    instruction_labels,
)
from warkat.dispositions.selectors import flatten
from warkat.dispositions.services.reading import dispositions_read_on_open
from warkat.letters.access import Access, letters_visible
from warkat.letters.correct_views import addressee_action, correction_context
from warkat.letters.declassify import declassify_context
from warkat.letters.downloads import (
    agenda_book_download,
    file_response,
    receipt_download,
)
from warkat.letters.forms import AgendaForm, InboxFilterForm, RegisterForm
from warkat.letters.inbox import InboxFilters, inbox_page
from warkat.letters.models import Letter
from warkat.letters.selectors import (
    addressable_positions,
    letter_file_for_user,
    letter_for_user,
    letter_view,
    letters_registered,
    may_register,
    registration_units,
)
from warkat.letters.services.addressee import letter_mark_done, letter_read
from warkat.letters.services.registration import letter_register
from warkat.ocr.selectors import texts_context
from warkat.org.models import Position, Unit


def _choices(form: Any, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _unit_choices(user: Any) -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in registration_units(user=user)]


@tenant_view
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = InboxFilterForm(request.GET or None)
    _choices(form, "unit").choices = [
        ("", _("All")),
        *(
            (u.pk, u.name)
            for u in Unit.objects.filter(depth__lte=1, is_active=True).order_by("name")
        ),
    ]
    data = form.cleaned_data if form.is_valid() else {}
    filters = InboxFilters(
        state=data.get("state") or "",
        urgency=data.get("urgency") or "",
        security=data.get("security") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        sender=data.get("sender") or "",
        unit_id=data.get("unit"),
        kind=data.get("kind") or "",
    )
    page_no = page_number(request)
    page = inbox_page(user=user, filters=filters, page=page_no)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "may_register": may_register(user=user),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "letters/inbox.html#results", context)
    return render(request, "letters/inbox.html", context)


def _register_context(
    request: HttpRequest, form: RegisterForm, **extra: Any
) -> dict[str, Any]:
    return {"form": form, **extra}


@tenant_view
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_register(user=user):
        raise PermissionDenied(
            "letter.register_forbidden",
            _("Only records clerks (TU) and administrators register letters."),
        )
    units = _unit_choices(user)
    form = RegisterForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "received_date": timezone.localdate(),
            "unit": units[0][0] if units else None,
        },
    )
    _choices(form, "unit").choices = units
    unit_id = (
        _int(request.POST.get("unit"))
        if request.method == "POST"
        else (units[0][0] if units else None)
    )
    positions = (
        list(addressable_positions(unit=Unit.objects.get(pk=unit_id)))
        if unit_id and unit_id in dict(units)
        else []
    )
    _choices(form, "addressed_position").choices = [
        (p.pk, f"{p.name} — {p.unit.name}") for p in positions
    ]
    duplicate = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            letter = letter_register(
                actor=user,
                unit=Unit.objects.get(pk=d["unit"]),
                addressed_position=Position.objects.get(pk=d["addressed_position"]),
                subject=d["subject"],
                summary=d["summary"],
                classification=ClassificationCode.objects.filter(
                    code=d["classification"].split(" ")[0]
                ).first(),
                security=d["security"],
                urgency=d["urgency"],
                number=d["number"],
                letter_date=d["letter_date"],
                sender_institution=d["sender_institution"],
                sender_name=d["sender_name"],
                received_date=d["received_date"],
                files=d["files"],
                confirm_duplicate=d["confirm_duplicate"],
            )
        except DomainError as exc:
            if exc.code == "letter.duplicate":
                duplicate = exc
                data = request.POST.copy()
                data["confirm_duplicate"] = "on"
                form.data = data
            else:  # the duplicate has its own warning, with a link to the other letter
                form.add_error(
                    exc.field if exc.field in form.fields else None, exc.text()
                )
        else:
            messages.success(
                request,
                _("Letter registered with agenda number %(agenda)s.")
                % {"agenda": letter.agenda_label},
            )
            return redirect("letters:detail", letter_id=letter.pk)
    return render(
        request,
        "letters/register.html",
        _register_context(request, form, duplicate=duplicate),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@tenant_view
@require_GET
def positions_for_unit(request: HttpRequest) -> HttpResponse:
    """htmx: the addressable positions of the chosen unit as <option>s."""
    unit_id = _int(request.GET.get("unit"))
    allowed = dict(_unit_choices(request.user))
    positions = (
        addressable_positions(unit=Unit.objects.get(pk=unit_id))
        if unit_id in allowed
        else []
    )
    return render(
        request, "letters/register.html#position_options", {"positions": positions}
    )


@tenant_view
@require_GET
def classification_picker(request: HttpRequest) -> HttpResponse:
    """htmx: leaf classification codes matching the typed text."""
    query = request.GET.get("classification", "") or request.GET.get("q", "")
    options = [
        classification_option_text(code=c, query=query)
        for c in classification_search(query=query)
    ]
    return render(
        request, "letters/_letter_fields.html#code_options", {"options": options}
    )


@tenant_view
@require_GET
def detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    user = request.user
    letter, access = letter_for_user(user=user, letter_id=letter_id)
    if access == Access.FULL:
        letter_read(actor=user, letter=letter)
        # Opening the page reads the dispositions addressed to the user's positions.
        dispositions_read_on_open(actor=user, letter=letter)
    view = letter_view(user=user, letter_id=letter_id, found=(letter, access))
    nodes = flatten(view.tree)
    context: dict[str, Any] = {
        "view": view,
        "letter": view.letter,
        "nodes": nodes,
        # The viewer's own disposition in the tree, linked from the top of the page.
        "my_node": next((n for n in nodes if n.actions), None),
    }
    if view.full:
        main = next(
            (f for f in view.files if f.content_type == "application/pdf"), None
        )
        context["main_pdf"] = main
        context["images"] = [
            f for f in view.files if f.content_type.startswith("image/")
        ]
        # The text of the files (OCR of scans): their state, the searchable PDFs.
        context.update(texts_context(user=user, letter=view.letter))
        if view.may_dispose:
            assert view.letter.addressed_position is not None
            context["dispose"] = dispose_context(
                letter=view.letter, from_position=view.letter.addressed_position
            )
    context.update(correction_context(user=user, view=view))
    context.update(declassify_context(user=user, letter=view.letter))
    return render(request, "letters/detail.html", context)


def dispose_context(
    *, letter: Letter, from_position: Position, parent_id: int | None = None
) -> dict[str, Any]:
    """Choices and defaults of the dispose form (deadline from the urgency SLA)."""
    settings = disposition_settings()
    days = default_deadline_days(letter.urgency, settings)
    today = timezone.localdate()
    quick = (1, 2, 3, 5, 10)
    dates = add_working_days_many(start=today, days=[*quick, days])
    return {
        "candidates": list(
            disposition_candidates(from_position=from_position, settings=settings)
        ),
        "instructions": instruction_labels(),
        "default_deadline": dates[days],
        "today": today,
        "parent_id": parent_id,
        "quick_days": [(n, dates[n]) for n in quick],
    }


#: Files are shown inside the letter page's viewer, so they may be framed by it.
FRAMEABLE = csp_override(
    {"default-src": [CSP.NONE], "frame-ancestors": [CSP.SELF], "img-src": [CSP.SELF]}
)


@tenant_view
@require_POST
def done(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The addressee settles the letter without a disposition."""
    return addressee_action(
        request,
        letter_id,
        run=lambda user, letter, note: letter_mark_done(
            actor=user, letter=letter, note=note
        ),
        field="note",
        success=_("Letter settled."),
    )


@xframe_options_sameorigin
@FRAMEABLE
@tenant_view  # type: ignore[arg-type]  # a streamed file passes through unchanged
@require_GET
def letter_file(request: HttpRequest, letter_id: int, file_id: int) -> HttpResponseBase:
    return file_response(
        letter_file_for_user(user=request.user, letter_id=letter_id, file_id=file_id)
    )


@tenant_view
@require_GET
def receipt(request: HttpRequest, letter_id: int, fmt: str) -> HttpResponse:
    return receipt_download(user=request.user, letter_id=letter_id, fmt=fmt)


@tenant_view
@require_GET
def registry(request: HttpRequest) -> HttpResponse:
    """The TU's list of registered letters and the agenda book export."""
    user = request.user
    if not may_register(user=user):
        raise PermissionDenied(
            "letter.agenda_forbidden",
            _("Only records clerks (TU) and administrators keep agenda books."),
        )
    q = request.GET.get("q", "").strip()
    letters = list(letters_registered(user=user, query=q)[:50])
    visible = set(
        letters_visible(
            user, Letter.objects.filter(pk__in=[x.pk for x in letters])
        ).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    form = AgendaForm(
        initial={"date_from": today.replace(day=1), "date_to": today, "format": "pdf"}
    )
    _choices(form, "unit").choices = _unit_choices(user)
    return render(
        request,
        "letters/registry.html",
        {"rows": [(x, x.pk in visible) for x in letters], "q": q, "form": form},
    )


@tenant_view
@require_GET
def agenda_download(request: HttpRequest) -> HttpResponse:
    form = AgendaForm(request.GET)
    _choices(form, "unit").choices = _unit_choices(request.user)
    if not form.is_valid():
        raise PermissionDenied(
            "agenda.invalid", _("Choose one of your units and a valid period.")
        )
    d = form.cleaned_data
    return agenda_book_download(
        user=request.user,
        unit=Unit.objects.get(pk=d["unit"]),
        date_from=d["date_from"],
        date_to=d["date_to"],
        fmt=d["format"],
    )
