"""Tenant admin pages of service accounts: list, create, edit, disable, and their
tokens (new, rotate with a grace period, revoke) with each token's last use."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from warkat.accounts import selectors
from warkat.accounts.forms import ServiceAccountForm
from warkat.accounts.models import ApiToken, Role, ServiceAccount
from warkat.accounts.permissions import require_role
from warkat.accounts.services import service_accounts as services
from warkat.core.errors import DomainError, NotFound
from warkat.core.http import tenant_view

ADMINS: frozenset[str] = frozenset({Role.TENANT_ADMIN})


def _account(request: HttpRequest, account_id: int) -> ServiceAccount:
    require_role(user=request.user, roles=ADMINS)
    return selectors.service_account_get(
        tenant=request.tenant,  # type: ignore[attr-defined]
        account_id=account_id,
    )


def _form_error(form: ServiceAccountForm, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.text())


@tenant_view
def service_account_list(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    accounts = selectors.service_accounts(tenant=request.tenant)  # type: ignore[attr-defined]
    return render(
        request, "accounts/service_account_list.html", {"accounts": list(accounts)}
    )


@tenant_view
def service_account_create(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    tenant = request.tenant  # type: ignore[attr-defined]
    form = ServiceAccountForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.service_account_create(
                tenant=tenant, actor=request.user, **form.values()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Service account created."))
            return redirect("accounts-service-detail", account_id=account.pk)
    return render(request, "accounts/service_account_form.html", {"form": form})


@tenant_view
def service_account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    form = ServiceAccountForm(
        request.POST or None,
        tenant=account.tenant,
        initial=ServiceAccountForm.initial_for(account),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_account_update(
                account=account, actor=request.user, **form.values()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Service account saved."))
            return redirect("accounts-service-detail", account_id=account.pk)
    return render(
        request,
        "accounts/service_account_detail.html",
        {"account": account, "form": form, "tokens": account.user.api_tokens.all()},
    )


def _token_once(
    request: HttpRequest, account: ServiceAccount, raw: str
) -> HttpResponse:
    return render(
        request, "accounts/service_token_once.html", {"account": account, "raw": raw}
    )


@tenant_view
@require_POST
@never_cache
def service_token_create(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    _token, raw = services.service_account_token_create(
        account=account, actor=request.user, ttl_days=_int(request, "ttl_days", 90)
    )
    return _token_once(request, account, raw)


@tenant_view
@require_POST
@never_cache
def service_token_rotate(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    _token, raw = services.service_account_token_rotate(
        account=account,
        actor=request.user,
        grace_hours=_int(request, "grace_hours", 24),
        ttl_days=_int(request, "ttl_days", 90),
    )
    return _token_once(request, account, raw)


@tenant_view
@require_POST
def service_token_revoke(
    request: HttpRequest, account_id: int, token_id: int
) -> HttpResponse:
    account = _account(request, account_id)
    token = ApiToken.objects.filter(pk=token_id, user=account.user).first()
    if token is None:
        raise NotFound("token.not_found", _("Token not found."))
    services.service_account_token_revoke(
        account=account, token=token, actor=request.user
    )
    messages.success(request, _("The token is revoked."))
    return redirect("accounts-service-detail", account_id=account.pk)


@tenant_view
@require_POST
def service_account_disable(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    services.service_account_disable(account=account, actor=request.user)
    messages.success(request, _("The service account is disabled."))
    return redirect("accounts-service-detail", account_id=account.pk)


def _int(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.POST.get(name, default))
    except ValueError:
        return -1  # refused by the service with its message
