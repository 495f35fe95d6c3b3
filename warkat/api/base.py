"""The NinjaAPI instance, its auth and the one place domain errors become HTTP."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_scopes.exceptions import ScopeError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf
from pydantic import Field

from warkat.api.scopes import PUBLIC, SCOPES
from warkat.core.converters import MAX_ID
from warkat.core.errors import DomainError, PermissionDenied
from warkat.core.http import MAX_PAGE
from warkat.core.outage import is_outage, outage_json

__all__ = ["ERROR_RESPONSES", "PUBLIC", "ErrorOut", "Id", "PageNo", "api", "scope"]

#: An object id in a path, query or request body. Larger numbers name nothing and
#: cannot reach the database: they are refused (422) like any other invalid input.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A page number: bounded so that the offset computed from it stays within 64 bits.
PageNo = Annotated[int, Field(ge=1, le=MAX_PAGE)]


class ErrorOut(Schema):
    code: str
    message: str
    message_en: str
    field: str | None = None
    details: list[dict[str, Any]] | None = None
    #: On a server error (500): the id under which the error was logged, for support.
    correlation_id: str | None = None


#: Merged into every route's ``response=`` so the OpenAPI document declares them.
ERROR_RESPONSES: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    500: ErrorOut,
    # A part of the installation is down (core.outage): try again after Retry-After.
    503: ErrorOut,
}

logger = logging.getLogger(__name__)


class SessionOrToken(HttpBearer):
    """Bearer token (resolved by ``accounts.middleware``) or a signed-in session.

    ``required_scope`` is what a token must carry to reach the route (see
    ``warkat.api.scopes``); None — a route that declared nothing — admits no token.
    Sessions are not limited by scopes: their roles decide inside the route.
    """

    openapi_scheme = "bearer"

    def __init__(self, required_scope: str | None = None) -> None:
        super().__init__()
        self.required_scope = required_scope

    def __call__(self, request: HttpRequest) -> Any:
        refusal = getattr(request, "api_token_error", None)
        if refusal is not None:
            # A known token that may not be used now (expired, revoked, outside its
            # address list, over its rate): say why, in the error body.
            raise refusal
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or not getattr(user, "tenant_id", None)
        ):
            return None
        if getattr(request, "api_token", None) is None:
            if check_csrf(request):
                # A browser session must carry the CSRF token for unsafe methods.
                return None
            return user
        granted = getattr(request, "api_token_scopes", None)
        if self.required_scope is None or (
            granted is not None and self.required_scope not in granted
        ):
            raise PermissionDenied(
                "auth.scope_missing",
                _("This token lacks the scope %(scope)s needed here."),
                params={"scope": self.required_scope or "-"},
            )
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        return None


_SCOPED: dict[str, SessionOrToken] = {}


def scope(name: str) -> SessionOrToken:
    """The auth of a route that a token may call only with scope ``name``."""
    if name not in SCOPES:
        raise ValueError(f"unknown API scope {name!r}")
    return _SCOPED.setdefault(name, SessionOrToken(name))


class WarkatAPI(NinjaAPI):
    """Writes each route's scope into the OpenAPI document: the bearer security
    requirement lists it, and ``x-required-scope`` (or ``x-public``) names it."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        scopes: dict[str, str | None] = {}
        for router in self._get_bound_routers():
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    auths = list(operation.auth_callbacks or [])
                    found = [a for a in auths if isinstance(a, SessionOrToken)]
                    op_id = operation.operation_id or self.get_openapi_operation_id(
                        operation
                    )
                    scopes[op_id] = found[0].required_scope if found else None
                    if not auths:
                        scopes[op_id] = "-public"
        for methods in schema["paths"].values():
            for op in methods.values():
                needed = scopes.get(op.get("operationId", ""))
                if needed == "-public":
                    op["x-public"] = True
                elif needed:
                    op["x-required-scope"] = needed
                    op["security"] = [{"SessionOrToken": [needed]}]
        return schema


api = WarkatAPI(
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
    response = _error(request, exc.status_code, exc.as_dict())
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


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


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, DomainError("not_found", _("Not found.")).as_dict())


@api.exception_handler(DjangoPermissionDenied)
def on_django_permission_denied(
    request: HttpRequest, exc: DjangoPermissionDenied
) -> HttpResponse:
    body = DomainError("forbidden", _("You may not do this.")).as_dict()
    return _error(request, 403, body)


@api.exception_handler(SuspiciousOperation)
def on_suspicious_operation(
    request: HttpRequest, exc: SuspiciousOperation
) -> HttpResponse:
    # Django's own refusals of a request (a body over the upload limit, too many
    # fields): the client's fault, as Django answers them outside the API.
    body = DomainError("request.invalid", _("The request is not valid.")).as_dict()
    return _error(request, 400, body)


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A safety net, not a way to handle errors: a bug answers with the documented
    error body and an id that finds its logged trace, never an HTML page. An
    outage (the database or the object store down) is no bug: 503, try again."""
    if is_outage(exc):
        logger.warning("API outage on %s %s: %r", request.method, request.path, exc)
        return outage_json()
    correlation_id = uuid.uuid4().hex
    logger.error(
        "Unexpected API error %s on %s %s",
        correlation_id,
        request.method,
        request.path,
        exc_info=exc,
    )
    body = DomainError(
        "server.error",
        _("Something went wrong on the server. Quote %(id)s when reporting it."),
        params={"id": correlation_id},
    ).as_dict()
    body["correlation_id"] = correlation_id
    return _error(request, 500, body)


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other path under /api/: the documented error body, not an HTML page."""
    return _error(request, 404, DomainError("not_found", _("Not found.")).as_dict())
