"""Pages of the signing app: public verification, the PKI endpoints (CRL, OCSP,
TSA, CA certificates) and the tenant admin's certificate management."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from warkat.accounts.permissions import has_role, require_role
from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.org.models import Person
from warkat.signing import documents, errors, pki, selectors, services, verification
from warkat.signing.models import CertificateAuthority, Provider, SignerCertificate
from warkat.tenancy.clock import tenant_time
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

# --- public verification ----------------------------------------------------------


def _upload(request: HttpRequest) -> bytes | None:
    upload = request.FILES.get("file")
    if upload is None:
        return None
    if upload.size and upload.size > settings.WARKAT_UPLOAD_MAX_BYTES:
        raise errors.pdf_invalid()
    return upload.read(settings.WARKAT_UPLOAD_MAX_BYTES + 1)


def _public_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(
        request,
        "signing/verify.html",
        {"error": exc.text(), "code": None},
        status=exc.status_code,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    """The QR target: status of one signed document; upload to compare a copy."""
    try:
        verification.rate_limit()
        result = verification.verification_by_code(code)
        verdict = None
        if request.method == "POST":
            data = _upload(request)
            if data is not None:
                verdict = verification.upload_check(pdf=data, expected=result.document)
    except DomainError as exc:
        return _public_error(request, exc)
    # The public has no tenant (so no zone from the middleware): show the times on
    # the clock of the Pemda that signed, as the page labels them (WIB/WITA/WIT).
    with tenant_time(result.tenant):
        return render(
            request,
            "signing/verify.html",
            {
                "code": code,
                "result": result,
                "info": result.public_dict(),
                "signed_at": verification.signed_at_local(result),
                "verdict": verdict,
                "uploaded": request.method == "POST",
            },
        )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Upload any PDF: is it an unaltered document signed in Warkat?"""
    verdict = None
    try:
        if request.method == "POST":
            verification.rate_limit()
            data = _upload(request)
            if data is not None:
                verdict = verification.upload_check(pdf=data)
    except DomainError as exc:
        return _public_error(request, exc)
    info = (
        verdict.verification.public_dict() if verdict and verdict.verification else None
    )
    return render(
        request,
        "signing/verify.html",
        {
            "code": None,
            "verdict": verdict,
            "info": info if verdict and verdict.matches else None,
            "uploaded": request.method == "POST",
        },
    )


# --- PKI endpoints (machine-readable, public) -------------------------------------


def _ca(slug: str) -> tuple[Tenant, CertificateAuthority]:
    tenant = Tenant.objects.filter(slug=slug, is_active=True).first()
    if tenant is None:
        raise Http404
    with tenant_scope(tenant):
        ca = CertificateAuthority.objects.filter(tenant=tenant).first()
        if ca is None:
            raise Http404
        return tenant, ca


def _der(data: Any, content_type: str, max_age: int = 3600) -> HttpResponse:
    response = HttpResponse(bytes(data), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def pki_crl(request: HttpRequest, slug: str) -> HttpResponse:
    tenant, ca = _ca(slug)
    with tenant_scope(tenant):
        ca = services.ca_crl_refresh(ca=ca)
    return _der(ca.crl_der, "application/pkix-crl", max_age=600)


def pki_root_crl(request: HttpRequest, slug: str) -> HttpResponse:
    tenant, ca = _ca(slug)
    with tenant_scope(tenant):
        ca = services.ca_crl_refresh(ca=ca)
    return _der(ca.root_crl_der, "application/pkix-crl", max_age=600)


def pki_ca(request: HttpRequest, slug: str) -> HttpResponse:
    _tenant, ca = _ca(slug)
    return _der(ca.intermediate_cert_der, "application/pkix-cert", max_age=86400)


def pki_root(request: HttpRequest, slug: str) -> HttpResponse:
    _tenant, ca = _ca(slug)
    return _der(ca.root_cert_der, "application/pkix-cert", max_age=86400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def pki_ocsp(request: HttpRequest, slug: str, encoded: str = "") -> HttpResponse:
    """RFC 6960 responder: POST with the DER request, or GET with it base64'd."""
    tenant, ca = _ca(slug)
    if request.method == "POST":
        body = request.body
    else:
        try:
            body = base64.b64decode(encoded.replace("-", "+").replace("_", "/"))
        except (binascii.Error, ValueError):
            body = b""
    with tenant_scope(tenant):
        answer = pki.ocsp_respond(
            request_der=body,
            issuer_cert=pki.cached_cert(bytes(ca.intermediate_cert_der)),
            issuer_key=services.ca_key(ca, "intermediate"),
            lookup=services.ocsp_lookup(ca),
        )
    response = HttpResponse(answer, content_type="application/ocsp-response")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def pki_tsa(request: HttpRequest, slug: str) -> HttpResponse:
    """RFC 3161 timestamp authority over HTTP (``application/timestamp-query``)."""
    tenant, _ca_row = _ca(slug)
    if len(request.body) > 8192:
        return HttpResponse(status=413)
    with tenant_scope(tenant):
        answer = documents.tenant_timestamper(tenant).respond_der(request.body)
    return HttpResponse(answer, content_type="application/timestamp-reply")


# --- tenant admin -----------------------------------------------------------------

ADMINS = frozenset({"tenant_admin"})


@tenant_view
def certificate_list(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    tenant = request.tenant  # type: ignore[attr-defined]
    context = {
        "ca": CertificateAuthority.objects.filter(tenant=tenant).first(),
        "certificates": selectors.certificate_list(tenant=tenant),
        "bsre_accounts": selectors.bsre_accounts(tenant=tenant),
        "settings_row": services.settings_for(tenant),
        "providers": Provider.choices,
        "reasons": SignerCertificate.Reason.choices,
        "urls": services.pki_urls(tenant),
        "max_tries": settings.WARKAT_SIGNING_MAX_TRIES,
    }
    return render(request, "signing/certificate_list.html", context)


def _back(request: HttpRequest, exc: DomainError | None, ok: str) -> HttpResponse:
    if exc is None:
        messages.success(request, ok)
    else:
        messages.error(request, exc.text())
    return redirect("signing:certificates")


@tenant_view
@require_POST
def ca_create(request: HttpRequest) -> HttpResponse:
    try:
        services.ca_create(tenant=request.tenant, actor=request.user)  # type: ignore[attr-defined]
    except DomainError as exc:
        return _back(request, exc, "")
    return _back(request, None, _("The certificate authority was created."))


@tenant_view
@require_POST
def settings_update(request: HttpRequest) -> HttpResponse:
    try:
        services.signing_settings_update(
            tenant=request.tenant,  # type: ignore[attr-defined]
            actor=request.user,
            provider=request.POST.get("provider", ""),
            footer_text=request.POST.get("footer_text", ""),
        )
    except DomainError as exc:
        return _back(request, exc, "")
    return _back(request, None, _("Signing settings saved."))


_ACTIONS: dict[str, Any] = {
    "issue": (services.certificate_issue, gettext_lazy("The certificate was issued.")),
    "renew": (services.certificate_renew, gettext_lazy("The certificate was renewed.")),
    "unlock": (services.certificate_unlock, gettext_lazy("Signing was unlocked.")),
}


@tenant_view
@require_POST
def certificate_action(request: HttpRequest, cert_id: int, action: str) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    cert = SignerCertificate.objects.filter(pk=cert_id).first()
    if cert is None:
        raise errors.certificate_not_found()
    tenant = request.tenant  # type: ignore[attr-defined]
    try:
        if action == "revoke":
            services.certificate_revoke(
                tenant=tenant,
                actor=request.user,
                certificate=cert,
                reason=request.POST.get("reason", ""),
            )
            return _back(request, None, _("The certificate was revoked."))
        if action not in _ACTIONS:
            raise Http404
        function, message = _ACTIONS[action]
        function(tenant=tenant, actor=request.user, certificate=cert)
    except DomainError as exc:
        return _back(request, exc, "")
    return _back(request, None, str(message))


@tenant_view
@require_POST
def bsre_account(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    nip = request.POST.get("nip", "").strip()
    person = Person.objects.filter(nip=nip).first() if nip else None
    if person is None:
        return _back(request, errors.person_not_found(), "")
    try:
        services.bsre_account_set(
            tenant=request.tenant,  # type: ignore[attr-defined]
            actor=request.user,
            person=person,
            nik=request.POST.get("nik", ""),
            email=request.POST.get("email", ""),
        )
    except DomainError as exc:
        return _back(request, exc, "")
    return _back(request, None, _("BSrE identity saved."))


@tenant_view
@never_cache
@require_http_methods(["GET", "POST"])
def key_request(request: HttpRequest) -> HttpResponse:
    """The signer creates their key pair; only they know the passphrase."""
    user: Any = request.user
    error = None
    if request.method == "POST":
        passphrase = request.POST.get("passphrase", "")
        if passphrase != request.POST.get("passphrase2", ""):
            error = _("The two passphrases are not the same.")
        else:
            try:
                services.certificate_request(
                    tenant=request.tenant,  # type: ignore[attr-defined]
                    user=user,
                    passphrase=passphrase,
                )
            except DomainError as exc:
                error = exc.text()
            else:
                messages.success(
                    request,
                    _(
                        "Your key was created. The tenant admin will now issue your certificate."
                    ),
                )
                return redirect("signing:key")
    mine = (
        SignerCertificate.objects.filter(person_id=user.person_id).order_by("-pk")[:10]
        if user.person_id
        else []
    )
    return render(
        request,
        "signing/key_request.html",
        {
            "certificates": mine,
            "error": error,
            "min_length": settings.WARKAT_SIGNING_PASSPHRASE_MIN,
            "is_admin": has_role(user=user, roles=ADMINS),
        },
    )
