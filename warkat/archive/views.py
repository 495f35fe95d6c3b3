"""Archive pages: each unit's due lists, the lists (batches) of transfer,
destruction and handover with their appraisal, approval and signatures, the
berita acara and handover package downloads, legal holds and the settings.

Thin: parse, call one domain function, render. Who may see what is decided in
``workflow``; what a row shows of a secret letter in ``selectors.disposal``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from warkat.archive import errors
from warkat.archive.forms import HoldForm, SettingsForm
from warkat.archive.models import AppraisalMember, DisposalBatch, LegalHold
from warkat.archive.packaging import package_open
from warkat.archive.selectors.disposal import (
    PAGE_SIZE,
    batch_items,
    batches_for,
    due_page,
    holds_list,
    rows_for,
)
from warkat.archive.services.batches import (
    batch_appraise,
    batch_approve,
    batch_cancel,
    batch_propose,
)
from warkat.archive.services.setup import (
    archive_settings_update,
    hold_place,
    hold_release,
)
from warkat.archive.services.signing import batch_sign, next_signature
from warkat.archive.workflow import (
    SIGNER_LABELS,
    K,
    archive_settings,
    batches_visible,
    committee_positions_held,
    holds,
    is_records_staff,
    may_view_batch,
    may_view_unit,
    require,
)
from warkat.audit.services import audit_record
from warkat.core.errors import DomainError
from warkat.core.http import download_response, page_number, tenant_view
from warkat.letters.access import is_tenant_admin, tu_unit_ids
from warkat.letters.models import Letter
from warkat.org.models import Unit
from warkat.signing.documents import signed_open
from warkat.tenancy.clock import tenant_localdate


def _unit(unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise errors.not_found()
    return unit


def _batch(request: HttpRequest, batch_id: int) -> DisposalBatch:
    batch = (
        DisposalBatch.objects.select_related("unit", "tenant")
        .filter(pk=batch_id)
        .first()
    )
    # Someone with no part in a list does not learn that it exists.
    if batch is None or not may_view_batch(request.user, batch):
        raise errors.not_found()
    return batch


@tenant_view
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    conf = archive_settings()
    staff = is_records_staff(user, conf)
    if staff:
        units = Unit.objects.filter(is_active=True, depth__lte=1).order_by(
            "depth", "name"
        )
    else:
        units = Unit.objects.filter(pk__in=tu_unit_ids(user)).order_by("name")
    batches = list(batches_visible(user, batches_for())[:200])
    if not (staff or units or batches):
        raise errors.forbidden()
    return render(
        request,
        "archive/index.html",
        {
            "units": units,
            "batches": batches,
            "staff": staff,
            "admin": is_tenant_admin(user),
            "conf": conf,
        },
    )


@tenant_view
def unit_due(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    require(may_view_unit(request.user, unit))
    kind = request.GET.get("kind", K.TRANSFER)
    if kind not in K.values:
        kind = K.TRANSFER
    page = page_number(request)
    rows, total = due_page(
        user=request.user,
        unit=unit,
        kind=kind,
        today=tenant_localdate(request.tenant),  # type: ignore[attr-defined]
        page=page,
    )
    may_propose = kind == K.TRANSFER or is_records_staff(request.user)
    return render(
        request,
        "archive/unit.html",
        {
            "unit": unit,
            "kind": kind,
            "kinds": K.choices,
            "rows": rows,
            "total": total,
            "page": page,
            "has_next": page * PAGE_SIZE < total,
            "may_propose": may_propose,
        },
    )


@tenant_view
@require_POST
def propose(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(unit_id)
    require(may_view_unit(request.user, unit))
    kind = request.POST.get("kind", "")
    ids = [
        int(i) for i in request.POST.getlist("letter") if i.isdigit() and len(i) < 19
    ]
    letters = list(Letter.objects.filter(pk__in=ids))
    if len(letters) != len(set(ids)):
        raise errors.not_found()
    batch = batch_propose(
        actor=request.user,
        kind=kind,
        unit=unit,
        letters=letters,
        title=request.POST.get("title", ""),
        note=request.POST.get("note", ""),
    )
    messages.success(request, _("The list was proposed."))
    return redirect("archive:batch", batch_id=batch.pk)


@tenant_view
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    user = request.user
    conf = archive_settings()
    step = next_signature(batch) if batch.state == "approved" else None
    signatures = list(
        batch.signatures.select_related("position", "person", "document").order_by(
            "order"
        )
    )
    done_positions = set(batch.appraisals.values_list("position_id", flat=True))
    may_appraise = batch.state == "proposed" and any(
        m.position_id not in done_positions for m in committee_positions_held(user)
    )
    return render(
        request,
        "archive/batch.html",
        {
            "batch": batch,
            "items": batch_items(user=user, batch=batch),
            "appraisals": batch.appraisals.select_related(
                "position", "person"
            ).order_by("at"),
            "committee": AppraisalMember.objects.select_related("position").order_by(
                "role", "pk"
            ),
            "signatures": [
                (s, SIGNER_LABELS.get(s.label, s.label)) for s in signatures
            ],
            "may_appraise": may_appraise,
            "may_approve": batch.state == "appraised"
            and holds(user, conf.approver_id) is not None,
            "may_sign": step is not None and holds(user, step.position_id) is not None,
            "may_cancel": batch.state in {"proposed", "appraised", "approved"}
            and (batch.proposed_by_id == user.pk or is_records_staff(user, conf))
            and not any(s.document_id for s in signatures),
            "signed": any(s.document_id for s in signatures),
            "destroyed": batch.destructions.filter(destroyed_at__isnull=False).count(),
        },
    )


@tenant_view
@require_POST
def batch_act(request: HttpRequest, batch_id: int, action: str) -> HttpResponse:
    batch = _batch(request, batch_id)
    post = request.POST
    try:
        if action in {"agree", "disagree"}:
            batch_appraise(
                actor=request.user,
                batch=batch,
                approve=action == "agree",
                note=post.get("note", ""),
            )
        elif action == "approve":
            batch_approve(
                actor=request.user,
                batch=batch,
                anri_approval=post.get("anri_approval", ""),
            )
        elif action == "sign":
            batch_sign(
                actor=request.user,
                batch=batch,
                passphrase=post.get("passphrase", ""),
                otp=post.get("otp", ""),
            )
        elif action == "cancel":
            batch_cancel(actor=request.user, batch=batch, reason=post.get("reason", ""))
        else:
            raise Http404
        messages.success(request, _("Saved."))
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect("archive:batch", batch_id=batch.pk)


@tenant_view
def berita_acara(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    last = (
        batch.signatures.filter(document__isnull=False)
        .select_related("document")
        .order_by("-order")
        .first()
    )
    if last is None or last.document is None:
        raise errors.not_found()
    return download_response(
        signed_open(last.document),
        "application/pdf",
        f"berita-acara-{batch.kind}-{batch.pk}.pdf",
    )


@tenant_view
def package(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    require(is_records_staff(request.user))
    if not batch.package_name:
        raise errors.not_found()
    audit_record(
        tenant=batch.tenant,
        actor=request.user,
        action="archive.package_downloaded",
        obj=batch,
    )
    return download_response(
        package_open(batch), "application/zip", f"penyerahan-{batch.pk}.zip"
    )


@tenant_view
@require_http_methods(["GET", "POST"])
def holds_page(request: HttpRequest) -> HttpResponse:
    require(is_records_staff(request.user))
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        letter = Letter.objects.filter(pk=form.cleaned_data["letter_id"]).first()
        if letter is None:
            raise errors.not_found()
        try:
            hold_place(
                actor=request.user,
                letter=letter,
                reason=form.cleaned_data["reason"],
                case_reference=form.cleaned_data["case_reference"],
            )
            messages.success(request, _("The letter is under a legal hold."))
            return redirect("archive:holds")
        except DomainError as exc:
            messages.error(request, exc.text())
    held = list(holds_list()[:500])
    rows = rows_for(request.user, [h.letter for h in held])
    return render(
        request,
        "archive/holds.html",
        {"form": form, "holds": list(zip(held, rows, strict=True))},
    )


@tenant_view
@require_POST
def hold_release_view(request: HttpRequest, hold_id: int) -> HttpResponse:
    require(is_records_staff(request.user))
    hold = LegalHold.objects.filter(pk=hold_id).first()
    if hold is None:
        raise errors.not_found()
    hold_release(actor=request.user, hold=hold, reason=request.POST.get("reason", ""))
    messages.success(request, _("The legal hold was released."))
    return redirect("archive:holds")


@tenant_view
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    require(is_tenant_admin(request.user))
    conf = archive_settings()
    chair = AppraisalMember.objects.filter(role="chair").first()
    initial = {
        "records_unit": conf.records_unit_id,
        "records_head": conf.records_head_id,
        "approver": conf.approver_id,
        "regional_archive": conf.regional_archive,
        "chair": chair.position_id if chair else None,
        "members": list(
            AppraisalMember.objects.exclude(role="chair").values_list(
                "position_id", flat=True
            )
        ),
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        archive_settings_update(
            tenant=request.tenant,  # type: ignore[attr-defined]
            actor=request.user,
            records_unit=data["records_unit"],
            records_head=data["records_head"],
            approver=data["approver"],
            regional_archive=data["regional_archive"],
            committee=form.committee(),
        )
        messages.success(request, _("Saved."))
        return redirect("archive:settings")
    return render(request, "archive/settings.html", {"form": form})
