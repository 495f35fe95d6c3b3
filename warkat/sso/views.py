"""The tenant administrator's pages for SSO client apps: list, register, change,
disable/enable and a new client secret."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from warkat.accounts.permissions import require_role
from warkat.core.errors import DomainError
from warkat.core.http import tenant_view
from warkat.sso import selectors, services
from warkat.sso.forms import ClientForm

ADMINS = services.ADMINS


def _issuer(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oauth2_provider:authorize"))[
        : -len("/authorize/")
    ]


def _form_error(form: ClientForm, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.text())


@tenant_view
def client_list(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    return render(
        request,
        "sso/client_list.html",
        {"clients": list(selectors.client_list()), "issuer": _issuer(request)},
    )


def _secret_page(request: HttpRequest, client: object, secret: str) -> HttpResponse:
    response = render(
        request,
        "sso/client_secret.html",
        {"client": client, "secret": secret, "issuer": _issuer(request)},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@tenant_view
@never_cache
def client_create(request: HttpRequest) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = services.client_create(
                actor=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return _secret_page(request, client, secret)
    return render(request, "sso/client_form.html", {"form": form, "client": None})


@tenant_view
@never_cache
def client_edit(request: HttpRequest, client_pk: int) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    client = selectors.client_get(client_pk=client_pk)
    form = ClientForm(request.POST or None, initial=ClientForm.initial_for(client))
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(
                actor=request.user, client=client, **form.service_kwargs()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("sso:client-list")
    return render(
        request,
        "sso/client_form.html",
        {"form": form, "client": client, "issuer": _issuer(request)},
    )


@tenant_view
@require_POST
def client_set_active(request: HttpRequest, client_pk: int) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    client = selectors.client_get(client_pk=client_pk)
    services.client_set_active(
        actor=request.user, client=client, active=request.POST.get("active") == "1"
    )
    return redirect("sso:client-edit", client_pk=client.pk)


@tenant_view
@require_POST
def client_rotate_secret(request: HttpRequest, client_pk: int) -> HttpResponse:
    require_role(user=request.user, roles=ADMINS)
    client = selectors.client_get(client_pk=client_pk)
    secret = services.client_secret_rotate(actor=request.user, client=client)
    return _secret_page(request, client, secret)
