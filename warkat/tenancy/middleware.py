"""Runs each request inside its user's tenant scope and time zone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from warkat.tenancy.scope import tenant_scope


class TenantScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        tenant = (
            getattr(user, "tenant", None) if user and user.is_authenticated else None
        )
        request.tenant = tenant  # type: ignore[attr-defined]
        if tenant is None:
            # Anonymous or platform-level: tenant-owned queries fail closed.
            return self.get_response(request)
        # The scope also puts the request on the tenant's clock (WIB/WITA/WIT).
        with tenant_scope(tenant):
            return self.get_response(request)
