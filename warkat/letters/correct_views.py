"""Correcting an incoming letter's registration (the TU of its unit or a tenant
admin) and sending it back to the TU (its addressee, before any disposition)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from warkat.archive.models import ClassificationCode
from warkat.core.errors import DomainError, ValidationError
from warkat.core.http import tenant_view
from warkat.letters.access import Access, is_tenant_admin, tu_unit_ids
from warkat.letters.declassify import letter_declassify, letter_for_declassifier
from warkat.letters.forms import RegisterForm
from warkat.letters.integrity import SIGNED_FIELDS
from warkat.letters.models import Direction, Letter, LetterEvent
from warkat.letters.selectors import (
    LetterView,
    addressable_positions,
    letter_for_user,
    letter_full_for_user,
)
from warkat.letters.services.addressee import letter_return
from warkat.letters.services.correction import letter_correctable, letter_update
from warkat.org.models import Position

#: Fields a TU who sees only a secret letter's agenda line may set but not read:
#: left empty, they keep what was registered.
HIDDEN_FIELDS = ("subject", "summary", "classification", "addressed_position")


class CorrectForm(RegisterForm):
    """The registration form without the unit (the agenda book stays) and files."""

    def __init__(
        self, *args: Any, restricted: bool, signed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["unit"]
        del self.fields["files"]
        self.restricted = restricted
        if signed:
            # Delivered from a letter signed in Warkat: shown, kept as signed.
            for name in SIGNED_FIELDS:
                self.fields[name].disabled = True
        if restricted:
            for name in HIDDEN_FIELDS:
                self.fields[name].required = False
            cast(
                forms.TypedChoiceField, self.fields["addressed_position"]
            ).empty_value = None


def _initial(letter: Letter, full: bool) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "sender_institution": letter.sender_institution,
        "sender_name": letter.sender_name,
        "number": letter.number,
        "letter_date": letter.letter_date,
        "received_date": letter.received_date,
        "security": letter.security,
        "urgency": letter.urgency,
    }
    if full:
        code = letter.classification
        initial.update(
            subject=letter.subject,
            summary=letter.summary,
            classification=f"{code.code} {code.name}" if code else "",
            addressed_position=letter.addressed_position_id,
        )
    return initial


def _may_correct(user: Any, letter: Letter) -> bool:
    return (
        letter.direction == Direction.INCOMING
        and letter.status in (Letter.IncomingStatus.NEW, Letter.IncomingStatus.RETURNED)
        and (is_tenant_admin(user) or letter.unit_id in tu_unit_ids(user))
    )


def correction_context(*, user: Any, view: LetterView) -> dict[str, Any]:
    """What the letter page shows of correction and return (``correction``)."""
    letter = view.letter
    returned = letter.status == Letter.IncomingStatus.RETURNED
    reason = ""
    if returned:
        event = (
            LetterEvent.objects.filter(letter=letter, kind="sent_to_tu")
            .order_by("-at", "-pk")
            .values_list("note", flat=True)
            .first()
        )
        reason = event or ""
    return {
        "correction": {
            "returned": returned,
            "reason": reason,
            "may_correct": _may_correct(user, letter),
            "may_return": view.full
            and letter.direction == Direction.INCOMING
            and letter.status == Letter.IncomingStatus.NEW
            and letter.addressed_position_id in view.held,
        }
    }


@tenant_view
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The TU corrects the registration (and so re-routes or sends it again)."""
    user = request.user
    letter, access = letter_for_user(user=user, letter_id=letter_id)
    letter_correctable(actor=user, letter=letter)
    full = access == Access.FULL
    form = CorrectForm(
        request.POST or None,
        restricted=not full,
        signed=letter.is_signed,
        initial=_initial(letter, full),
    )
    choices: list[tuple[Any, str]] = [
        (p.pk, f"{p.name} — {p.unit.name}")
        for p in addressable_positions(unit=letter.unit)
    ]
    if not full:
        choices = [("", _("(keep as registered)")), *choices]
    cast(forms.ChoiceField, form.fields["addressed_position"]).choices = choices
    duplicate = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            updated = letter_update(actor=user, letter=letter, **_changes(d, full))
        except DomainError as exc:
            if exc.code == "letter.duplicate":
                duplicate = exc
                data = request.POST.copy()
                data["confirm_duplicate"] = "on"
                form.data = data
            elif isinstance(exc, ValidationError) or exc.field in form.fields:
                # The duplicate has its own warning; other errors go to their field.
                form.add_error(
                    exc.field if exc.field in form.fields else None, exc.text()
                )
            else:
                raise
        else:
            messages.success(
                request,
                _("Letter corrected and sent again to the addressee.")
                if letter.status == Letter.IncomingStatus.RETURNED
                else _("Letter data corrected."),
            )
            return redirect("letters:detail", letter_id=updated.pk)
    return render(
        request,
        "letters/correct.html",
        {"form": form, "letter": letter, "full": full, "duplicate": duplicate},
    )


def _changes(d: dict[str, Any], full: bool) -> dict[str, Any]:
    """The service's arguments from the form; hidden fields left empty are None."""
    changes: dict[str, Any] = {
        name: d[name]
        for name in (
            "sender_institution",
            "sender_name",
            "number",
            "letter_date",
            "received_date",
            "security",
            "urgency",
        )
    }
    changes["confirm_duplicate"] = d["confirm_duplicate"]
    for name in ("subject", "summary"):
        changes[name] = d[name] if full or d[name] else None
    position_id = d["addressed_position"]
    changes["addressed_position"] = (
        Position.objects.filter(pk=position_id).first() if position_id else None
    )
    text = (d["classification"] or "").strip()
    if text:
        code = ClassificationCode.objects.filter(code=text.split(" ")[0]).first()
        if code is None:
            raise ValidationError(
                "letter.classification_invalid",
                _(
                    "Choose a classification code that has a retention period (a leaf code)."
                ),
                field="classification",
            )
        changes["classification"] = code
    return changes


def addressee_action(
    request: HttpRequest,
    letter_id: int,
    *,
    run: Callable[[Any, Letter, str], Any],
    field: str,
    success: str,
) -> HttpResponse:
    """A form on the letter page: the letter read in full (else 404), the service
    run with the posted ``field``, its outcome shown as a message."""
    letter = letter_full_for_user(user=request.user, letter_id=letter_id)
    try:
        run(request.user, letter, request.POST.get(field, ""))
    except DomainError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, success)
    return redirect("letters:detail", letter_id=letter.pk)


@tenant_view
@require_POST
def return_to_tu(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The addressee sends the letter back to the TU with a reason."""
    return addressee_action(
        request,
        letter_id,
        run=lambda user, letter, reason: letter_return(
            actor=user, letter=letter, reason=reason
        ),
        field="reason",
        success=_("Letter returned to the records clerk (TU)."),
    )


@tenant_view
@require_POST
def declassify(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The addressee (of an outgoing letter, its signer) lowers the security level
    with a reason; back to the letter's page, incoming or outgoing."""
    letter = letter_for_declassifier(user=request.user, letter_id=letter_id)
    try:
        letter_declassify(
            actor=request.user,
            letter=letter,
            security=request.POST.get("security", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, _("Security level lowered."))
    if letter.direction == Direction.OUTGOING:
        return redirect("drafting:detail", letter_id=letter.pk)
    return redirect("letters:detail", letter_id=letter.pk)
