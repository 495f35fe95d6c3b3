"""The NinjaAPI instance, its auth and the one place domain errors become HTTP."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_scopes.exceptions import ScopeError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from warkat.core.errors import DomainError


class ErrorOut(Schema):
    code: str
    message: str
    message_en: str
    field: str | None = None
    details: list[dict[str, Any]] | None = None


#: Merged into every route's ``response=`` so the OpenAPI document declares them.
ERROR_RESPONSES: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class SessionOrToken(HttpBearer):
    """Bearer token (resolved by ``accounts.middleware``) or a signed-in session."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or not getattr(user, "tenant_id", None)
        ):
            return None
        if not getattr(request, "api_token", None) and check_csrf(request):
            # A browser session must carry the CSRF token for unsafe methods.
            return None
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        return None


api = NinjaAPI(
    title="Warkat API",
    version="1",
    description="E-office API for Indonesian regional governments.",
    auth=SessionOrToken(),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status_code, exc.as_dict())


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(
        request,
        401,
        DomainError("auth.required", _("Authentication required.")).as_dict(),
    )


@api.exception_handler(NinjaValidationError)
def on_validation_error(
    request: HttpRequest, exc: NinjaValidationError
) -> HttpResponse:
    err = DomainError("request.invalid", _("The request is not valid."))
    body = err.as_dict()
    body["details"] = [
        {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return _error(request, 422, body)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    body = DomainError("request.error", str(exc)).as_dict()
    return _error(request, exc.status_code, body)


@api.exception_handler(ScopeError)
def on_scope_error(request: HttpRequest, exc: ScopeError) -> HttpResponse:
    # A tenant-owned query outside a tenant: fail closed, as not found.
    return _error(request, 404, DomainError("not_found", _("Not found.")).as_dict())
