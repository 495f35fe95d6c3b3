"""Signing several letters in one action: the list of letters waiting for the
user's signature with a box to tick for each, and the report of a batch.
Thin: parse, call one domain function, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.drafting import errors, selectors
from warkat.drafting.batch_models import BATCH_MAX
from warkat.drafting.batches import letters_sign_batch
from warkat.drafting.forms import SignForm
from warkat.drafting.views.common import error_show


@tenant_view
@require_http_methods(["GET", "POST"])
def sign_batch(request: HttpRequest) -> HttpResponse:
    """GET: the letters waiting for the user's signature; POST: sign the ticked
    ones with one passphrase and authenticator code."""
    form = SignForm(request.POST or None)
    chosen = {int(i) for i in request.POST.getlist("letter") if i.isdigit()}
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise errors.invalid(
                    "sign_fields",
                    _("Enter your passphrase and authenticator code."),
                    "otp",
                )
            batch = letters_sign_batch(
                actor=request.user,
                draft_ids=[
                    d.pk
                    for d in selectors.drafts_to_sign(user=request.user).filter(
                        letter_id__in=chosen
                    )
                ]
                if chosen
                else [],
                passphrase=form.cleaned_data["passphrase"],
                otp=form.cleaned_data["otp"],
            )
            return redirect("drafting:batch", batch_id=batch.pk)
        except DomainError as exc:
            error_show(request, exc)
    rows = list(
        selectors.drafts_to_sign(user=request.user).select_related(
            "drafter", "letter__classification"
        )[:BATCH_MAX]
    )
    return render(
        request,
        "drafting/sign_batch.html",
        {"rows": rows, "form": SignForm(), "chosen": chosen},
        status=200 if request.method == "GET" else 422,
    )


@tenant_view
@require_GET
def batch_report(request: HttpRequest, batch_id: int) -> HttpResponse:
    report = selectors.batch_for_user(user=request.user, batch_id=batch_id)
    if report.unfinished:
        messages.warning(
            request, _("Some letters of this batch were not reached; sign them again.")
        )
    return render(request, "drafting/batch.html", {"report": report})
