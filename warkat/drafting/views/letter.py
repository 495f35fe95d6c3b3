"""The outgoing letter's page and its actions: paraf, return, submit and sign,
the paraf chain, version comparison, the PDF and sending a failed delivery again.
Thin: parse, call one domain function, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.drafting import errors, selectors
from warkat.drafting.api import pdf_response
from warkat.drafting.forms import NoteForm, SignForm
from warkat.drafting.sending import delivery_retry, letter_sign
from warkat.drafting.services.chain import StepInput, chain_set
from warkat.drafting.services.review import draft_submit, review_approve, review_return
from warkat.drafting.views.common import draft_of, error_show
from warkat.letters.declassify import declassify_context
from warkat.org.models import Position

FRAMEABLE = csp_override(
    {"default-src": [CSP.NONE], "frame-ancestors": [CSP.SELF], "img-src": [CSP.SELF]}
)


@tenant_view
@require_GET
def draft_detail(request: HttpRequest, letter_id: int) -> HttpResponse:
    draft = draft_of(request, letter_id)
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
            **declassify_context(user=request.user, letter=draft.letter),
        },
    )


@tenant_view
@require_POST
def draft_act(request: HttpRequest, letter_id: int, action: str) -> HttpResponse:
    """submit / approve / return / sign, each one service."""
    draft = draft_of(request, letter_id)
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
        error_show(request, exc)
    return redirect("drafting:detail", letter_id=letter_id)


@tenant_view
@require_http_methods(["GET", "POST"])
def draft_chain(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The drafter's chain editor: positions in order, hierarchy or coordination."""
    draft = draft_of(request, letter_id)
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
            error_show(request, exc)
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
    draft = draft_of(request, letter_id)
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
    return pdf_response(draft_of(request, letter_id))


@tenant_view
@require_POST
def delivery_retry_view(
    request: HttpRequest, letter_id: int, delivery_id: int
) -> HttpResponse:
    draft = draft_of(request, letter_id)
    delivery = draft.deliveries.filter(pk=delivery_id).first()
    if delivery is None:
        raise errors.draft_not_found()
    try:
        delivery_retry(actor=request.user, delivery=delivery)
        messages.success(request, _("The delivery is queued again."))
    except DomainError as exc:
        error_show(request, exc)
    return redirect("drafting:detail", letter_id=letter_id)
