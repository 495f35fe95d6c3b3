"""Pages of letters from outside: the TU's mail-in queue (list, open, complete into
a registration, discard), the unit mailboxes (tenant admin), importing and
exporting exchange packages."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from warkat.archive.models import ClassificationCode
from warkat.core.errors import DomainError
from warkat.core.http import download_response, tenant_view
from warkat.intake import errors
from warkat.intake.forms import CompleteForm, DiscardForm, MailboxForm, PackageForm
from warkat.intake.selectors import (
    item_for_user,
    items_for_user,
    mailboxes_for_admin,
    may_use_queue,
)
from warkat.intake.services.exchange import exchange_export, exchange_import
from warkat.intake.services.items import item_complete, item_discard
from warkat.intake.services.mailboxes import mailbox_connect
from warkat.letters.access import is_tenant_admin
from warkat.letters.downloads import file_response
from warkat.letters.selectors import addressable_positions, registration_units
from warkat.org.models import Unit


def _queue_user(request: HttpRequest) -> Any:
    if not may_use_queue(user=request.user):
        raise errors.item_forbidden()
    return request.user


@tenant_view
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = _queue_user(request)
    state = request.GET.get("state", "pending")
    items = items_for_user(user=user, state=state if state != "all" else "")[:200]
    return render(
        request,
        "intake/queue.html",
        {
            "items": items,
            "state": state,
            "units": registration_units(user=user),
            "is_admin": is_tenant_admin(user),
        },
    )


@tenant_view
@require_GET
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = item_for_user(user=_queue_user(request), item_id=item_id)
    return _detail(request, item, CompleteForm(initial=_initial(item)), status=200)


def _initial(item: Any) -> dict[str, Any]:
    meta = item.metadata or {}
    sender = meta.get("pengirim") or {}
    return {
        "subject": item.subject,
        "number": meta.get("nomor", ""),
        "letter_date": meta.get("tanggal")
        or (item.sent_at.date() if item.sent_at else None),
        "sender_institution": sender.get("instansi", "") or item.sender_name,
        "sender_name": item.sender_name,
        "classification": meta.get("kode_klasifikasi", ""),
        "security": meta.get("sifat_naskah", "biasa"),
        "urgency": meta.get("tingkat_urgensi", "biasa"),
    }


def _detail(
    request: HttpRequest, item: Any, form: CompleteForm, *, status: int
) -> HttpResponse:
    return render(
        request,
        "intake/item.html",
        {
            "item": item,
            "files": item.files.all(),
            "form": form,
            "positions": addressable_positions(unit=item.unit),
        },
        status=status,
    )


@tenant_view
@require_POST
def item_register(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _queue_user(request)
    item = item_for_user(user=user, item_id=item_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, form, status=422)
    data = form.cleaned_data
    position = (
        addressable_positions(unit=item.unit)
        .filter(pk=data["addressed_position"])
        .first()
    )
    code = ClassificationCode.objects.filter(
        code=data["classification"].strip()
    ).first()
    if position is None or code is None:
        form.add_error(None, _("Choose an addressee and a valid classification code."))
        return _detail(request, item, form, status=422)
    try:
        letter = item_complete(
            actor=user, item_id=item.pk, addressed_position=position,
            subject=data["subject"], classification=code, number=data["number"],
            letter_date=data["letter_date"], sender_institution=data["sender_institution"],
            sender_name=data["sender_name"], summary=data["summary"],
            security=data["security"], urgency=data["urgency"],
            confirm_duplicate=data["confirm_duplicate"],
        )  # fmt: skip
    except DomainError as exc:
        form.add_error(None, exc.text())
        return _detail(request, item, form, status=exc.status_code)
    messages.success(
        request, _("Registered as agenda %(a)s.") % {"a": letter.agenda_label}
    )
    return redirect("letters:detail", letter.pk)


@tenant_view
@require_POST
def item_discard_view(request: HttpRequest, item_id: int) -> HttpResponse:
    user = _queue_user(request)
    form = DiscardForm(request.POST)
    item_discard(
        actor=user,
        item_id=item_for_user(user=user, item_id=item_id).pk,
        reason=form.data.get("reason", ""),
    )
    messages.success(request, _("Discarded."))
    return redirect("intake:queue")


@tenant_view
@require_GET
def item_file(request: HttpRequest, item_id: int, file_id: int) -> HttpResponse:
    item = item_for_user(user=_queue_user(request), item_id=item_id)
    f = item.files.filter(pk=file_id).first()
    if f is None:
        raise errors.item_not_found()
    return cast(HttpResponse, file_response(f))


@tenant_view
@require_POST
def package_import(request: HttpRequest) -> HttpResponse:
    user = _queue_user(request)
    form = PackageForm(request.POST, request.FILES)
    unit = None
    if form.is_valid():
        unit = (
            registration_units(user=user).filter(pk=form.cleaned_data["unit"]).first()
        )
    if unit is None:
        raise errors.item_forbidden()
    upload = form.cleaned_data["package"]
    if upload.size > settings.WARKAT_MAILIN_MAX_BYTES:
        raise errors.package_invalid(_("it is too large"))
    item = exchange_import(actor=user, unit=unit, data=upload.read())
    if item.state == "refused":
        messages.error(
            request, item.reason if request.LANGUAGE_CODE == "id" else item.reason_en
        )
        return redirect("intake:queue")
    return redirect("intake:item", item.pk)


@tenant_view
@require_GET
def letter_export(request: HttpRequest, letter_id: int) -> HttpResponse:
    name, data = exchange_export(actor=request.user, letter_id=letter_id)
    return download_response(data, "application/zip", name)


@tenant_view
@require_http_methods(["GET", "POST"])
def mailboxes(request: HttpRequest) -> HttpResponse:
    if not is_tenant_admin(request.user):
        raise errors.item_forbidden()
    form = MailboxForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = Unit.objects.filter(pk=request.POST.get("unit")).first()
        if unit is None:
            raise errors.mailbox_not_found()
        try:
            mailbox_connect(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.text())
        else:
            messages.success(request, _("Mailbox saved."))
            return redirect("intake:mailboxes")
    return render(
        request,
        "intake/mailboxes.html",
        {
            "mailboxes": mailboxes_for_admin(user=request.user),
            "units": Unit.objects.order_by("name"),
            "form": form,
        },
        status=422 if form.errors else 200,
    )
