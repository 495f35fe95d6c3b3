"""The tenant administrator's webhook pages: subscriptions, their secret, the
delivery log with each attempt, replay, and the internal host list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from warkat.core.errors import DomainError
from warkat.core.http import page_number, tenant_view
from warkat.webhooks import selectors, services
from warkat.webhooks.models import DeliveryState, EventType, Scope

PAGE_SIZE = 50


def _fields(request: HttpRequest) -> dict[str, Any]:
    return {
        "name": request.POST.get("name", ""),
        "url": request.POST.get("url", ""),
        "event_types": request.POST.getlist("event_types"),
        "scopes": request.POST.getlist("scopes"),
    }


def _form_context(
    values: dict[str, Any], error: DomainError | None = None
) -> dict[str, Any]:
    return {
        "values": values,
        "event_choices": EventType.choices,
        "scope_choices": Scope.choices,
        "error": error.text() if error else "",
        "error_field": error.field if error else "",
    }


def _secret_page(request: HttpRequest, endpoint: Any, secret: str) -> HttpResponse:
    # Shown once, in the answer to the POST: never stored in a page or a URL.
    return render(
        request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret}
    )


@tenant_view
def endpoint_list(request: HttpRequest) -> HttpResponse:
    endpoints = list(selectors.endpoints_list(user=request.user))
    hosts = selectors.settings_get(user=request.user)
    return render(
        request,
        "webhooks/list.html",
        {"endpoints": endpoints, "internal_hosts": "\n".join(hosts)},
    )


@tenant_view
@never_cache
def endpoint_new(request: HttpRequest) -> HttpResponse:
    selectors.endpoints_list(user=request.user)  # the role check
    if request.method != "POST":
        values: dict[str, Any] = {
            "name": "",
            "url": "",
            "event_types": [],
            "scopes": [],
        }
        return render(request, "webhooks/form.html", _form_context(values))
    values = _fields(request)
    try:
        endpoint, secret = services.endpoint_create(actor=request.user, **values)
    except DomainError as exc:
        return render(
            request,
            "webhooks/form.html",
            _form_context(values, exc),
            status=exc.status_code,
        )
    return _secret_page(request, endpoint, secret)


@tenant_view
def endpoint_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_get(user=request.user, endpoint_id=endpoint_id)
    state = request.GET.get("state", "")
    page = page_number(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        selectors.deliveries_of(user=request.user, endpoint=endpoint, state=state)[
            start : start + PAGE_SIZE + 1
        ]
    )
    values = {
        "name": endpoint.name,
        "url": endpoint.url,
        "event_types": endpoint.event_types,
        "scopes": endpoint.scopes,
    }
    return render(
        request,
        "webhooks/detail.html",
        {
            **_form_context(values),
            "endpoint": endpoint,
            "deliveries": rows[:PAGE_SIZE],
            "has_next": len(rows) > PAGE_SIZE,
            "page": page,
            "state": state,
            "states": DeliveryState.choices,
        },
    )


@tenant_view
@require_POST
def endpoint_edit(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    values = _fields(request)
    try:
        services.endpoint_update(actor=request.user, endpoint_id=endpoint_id, **values)
    except DomainError as exc:
        if exc.field is None:
            raise
        endpoint = selectors.endpoint_get(user=request.user, endpoint_id=endpoint_id)
        return render(
            request,
            "webhooks/form.html",
            {**_form_context(values, exc), "endpoint": endpoint},
            status=exc.status_code,
        )
    messages.success(request, _("Subscription saved."))
    return redirect("webhooks:detail", endpoint_id=endpoint_id)


@tenant_view
@require_POST
def endpoint_active(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    services.endpoint_set_active(
        actor=request.user, endpoint_id=endpoint_id, active=active
    )
    return redirect("webhooks:detail", endpoint_id=endpoint_id)


@tenant_view
@require_POST
@never_cache
def endpoint_rotate(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    raw = request.POST.get("grace_hours", "24")
    grace = int(raw) if raw.isdigit() and len(raw) < 5 else -1
    endpoint, secret = services.endpoint_secret_rotate(
        actor=request.user, endpoint_id=endpoint_id, grace_hours=grace
    )
    return _secret_page(request, endpoint, secret)


@tenant_view
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, delivery_id=delivery_id)
    return render(
        request,
        "webhooks/delivery.html",
        {"delivery": delivery, "attempts": delivery.attempt_rows.all().order_by("at")},
    )


@tenant_view
@require_POST
def delivery_replay(request: HttpRequest, delivery_id: int) -> HttpResponse:
    services.delivery_replay(actor=request.user, delivery_id=delivery_id)
    messages.success(request, _("Delivery queued again."))
    return redirect("webhooks:delivery", delivery_id=delivery_id)


@tenant_view
@require_POST
def internal_hosts_save(request: HttpRequest) -> HttpResponse:
    hosts = request.POST.get("internal_hosts", "").replace(",", "\n").splitlines()
    services.webhook_settings_set(actor=request.user, internal_hosts=hosts)
    messages.success(request, _("Internal hosts saved."))
    return redirect("webhooks:list")
