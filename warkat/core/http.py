"""Helpers for the server-rendered views: tenant-only views and domain errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from warkat.core.errors import DomainError


def tenant_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view for signed-in tenant users. A ``DomainError`` it raises becomes a
    page with the message in the user's language and the error's 4xx status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "tenant", None) is None:
            return render(request, "core/no_tenant.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return render(
                request,
                "core/error.html",
                {"error": exc, "message": exc.text()},
                status=exc.status_code,
            )

    return wrapper


def download_response(data: bytes, content_type: str, name: str) -> HttpResponse:
    """A generated file (PDF, XLSX) as an attachment no shared cache keeps."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


#: No list has more pages: larger numbers would overflow the SQL offset.
MAX_PAGE = 10**9


def page_number(request: HttpRequest) -> int:
    """The ``page`` query parameter, 1 when missing or not a number, within 1..MAX_PAGE."""
    try:
        return min(max(1, int(request.GET.get("page", "1"))), MAX_PAGE)
    except ValueError:
        return 1


def script_response(static_name: str, *, scope: str | None = None) -> HttpResponse:
    """A JavaScript file of the static files served from a page URL (a service
    worker's scope is the folder it is served from, or ``scope`` when allowed)."""
    from django.contrib.staticfiles import finders

    path = finders.find(static_name)
    with open(str(path), encoding="utf-8") as fh:
        body = fh.read()
    response = HttpResponse(body, content_type="application/javascript")
    if scope is not None:
        response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response
