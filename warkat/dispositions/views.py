"""Disposition pages: dispose (from the letter page or a received disposition),
follow up, and the simple transitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warkat.core.errors import DomainError, ValidationError
from warkat.core.http import tenant_view
from warkat.dispositions.api import follow_up_file_for_user
from warkat.dispositions.errors import reply_letter_not_found
from warkat.dispositions.rules import (
    disposition_candidates,
    disposition_origin,
    reply_letter_find,
)
from warkat.dispositions.selectors import disposition_for_actor
from warkat.dispositions.services.closing import (
    disposition_cancel,
    disposition_close,
    disposition_decline,
    disposition_return,
)
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.dispositions.services.reading import disposition_read
from warkat.letters.downloads import file_response
from warkat.letters.errors import letter_not_found
from warkat.letters.selectors import letter_full_for_user
from warkat.letters.views import FRAMEABLE, dispose_context


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(
            "disposition.deadline_invalid",
            _("The deadline is not a valid date."),
            field="deadline",
        ) from exc


@tenant_view
@require_http_methods(["GET", "POST"])
def dispose(request: HttpRequest, letter_id: int) -> HttpResponse:
    """Dispose a letter (as its addressee) or re-dispose a received disposition
    (``?parent=<id>``)."""
    user = request.user
    letter = letter_full_for_user(user=user, letter_id=letter_id)
    parent_id = request.POST.get("parent") or request.GET.get("parent")
    parent = (
        disposition_for_actor(user=user, disposition_id=int(parent_id))
        if parent_id and parent_id.isdigit()
        else None
    )
    from_position = disposition_origin(letter=letter, parent=parent)
    error = None
    if request.method == "POST":
        try:
            disposition_create(
                actor=user,
                letter=letter,
                parent=parent,
                to_position_ids=[
                    int(p) for p in request.POST.getlist("to_positions") if p.isdigit()
                ],
                instructions=request.POST.getlist("instructions"),
                note=request.POST.get("note", ""),
                deadline=_date(request.POST.get("deadline")),
            )
        except DomainError as exc:
            error = exc.text()
        else:
            messages.success(request, _("Disposition sent."))
            return redirect("letters:detail", letter_id=letter.pk)
    context = {
        "letter": letter,
        "parent": parent,
        "error": error,
        "posted": request.POST,
        **dispose_context(
            letter=letter,
            from_position=from_position,
            parent_id=parent.pk if parent else None,
        ),
    }
    return render(
        request, "dispositions/dispose.html", context, status=422 if error else 200
    )


@tenant_view
@require_GET
def candidates(request: HttpRequest, letter_id: int) -> HttpResponse:
    """htmx: more positions (by name) the user may dispose this letter to."""

    user = request.user
    letter = letter_full_for_user(user=user, letter_id=letter_id)
    parent_id = request.GET.get("parent", "")
    parent = (
        disposition_for_actor(user=user, disposition_id=int(parent_id))
        if parent_id.isdigit()
        else None
    )
    from_position = disposition_origin(letter=letter, parent=parent)
    query = request.GET.get("q", "").strip()
    found = (
        disposition_candidates(from_position=from_position, query=query)
        if len(query) >= 2
        else []
    )
    return render(request, "dispositions/dispose_form.html#more", {"found": found})


_TRANSITIONS: dict[str, Callable[[Any, Any, str, dt.date | None], Any]] = {
    "read": lambda user, d, note, deadline: disposition_read(actor=user, disposition=d),
    "decline": lambda user, d, note, deadline: disposition_decline(
        actor=user, disposition=d, reason=note
    ),
    "close": lambda user, d, note, deadline: disposition_close(
        actor=user, disposition=d, note=note
    ),
    "return": lambda user, d, note, deadline: disposition_return(
        actor=user, disposition=d, note=note, deadline=deadline
    ),
    "cancel": lambda user, d, note, deadline: disposition_cancel(
        actor=user, disposition=d, note=note
    ),
}


@tenant_view
@require_POST
def transition(request: HttpRequest, disposition_id: int, action: str) -> HttpResponse:
    user = request.user
    d = disposition_for_actor(user=user, disposition_id=disposition_id)
    run = _TRANSITIONS.get(action)
    if run is None:
        raise letter_not_found()
    try:
        run(
            user,
            d,
            request.POST.get("note", ""),
            _date(request.POST.get("deadline")) if action == "return" else None,
        )
    except DomainError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, _("Saved."))
    return redirect(f"{_letter_url(d.letter_id)}#d{d.pk}")


def _letter_url(letter_id: int) -> str:
    from django.urls import reverse

    return reverse("letters:detail", args=[letter_id])


@tenant_view
@require_POST
def follow_up(request: HttpRequest, disposition_id: int) -> HttpResponse:
    user = request.user
    d = disposition_for_actor(user=user, disposition_id=disposition_id)
    number = request.POST.get("reply_number", "").strip()
    try:
        reply = reply_letter_find(user=user, number=number) if number else None
        if number and reply is None:
            raise reply_letter_not_found()
        followup_create(
            actor=user,
            disposition=d,
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("files"),
            reply_letter=reply,
        )
    except DomainError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, _("Follow-up reported."))
    return redirect(f"{_letter_url(d.letter_id)}#d{d.pk}")


@xframe_options_sameorigin
@FRAMEABLE
@tenant_view  # type: ignore[arg-type]  # a streamed file passes through unchanged
@require_GET
def follow_up_file(request: HttpRequest, file_id: int) -> HttpResponseBase:
    return file_response(follow_up_file_for_user(user=request.user, file_id=file_id))


@tenant_view
@require_GET
def sheet(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The lembar disposisi of a letter as PDF (full readers only)."""
    from warkat.dispositions.sheet import sheet_download

    return sheet_download(user=request.user, letter_id=letter_id)
