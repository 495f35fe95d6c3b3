"""A part of the installation that is down answers 503 with ``Retry-After``, not 500.

When PostgreSQL restarts, the object store is unreachable or refuses writes (full),
or a local disk is full, a request cannot be served, but nothing is wrong with the
request or the code: the client should try again shortly. Such errors
(``is_outage``) become:

* on a page, ``server_error`` (Django's ``handler500``): a short page in Indonesian
  and English that touches neither the database nor the session (both may be the
  part that is down), status 503;
* in the API, ``warkat.api.base``'s safety net: the documented error body with the
  code ``service.unavailable``, status 503;
* and every 503 the app answers (these, a ``StorageUnavailable`` domain error,
  ``/readyz``) carries ``Retry-After`` (``RetryAfterMiddleware``, at the top of the
  stack), ``WARKAT_RETRY_AFTER_SECONDS``.

Nothing is half-written: every service is one transaction, which the database rolls
back when the connection breaks, and files stored before a failed transaction are
removed (or swept later). Task workers treat the same errors as a reason to retry
(``core.workers``).
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django.views import defaults

#: S3 error codes that say "not now" (the store is overloaded, down, or full).
_S3_TRANSIENT_CODES = {
    "SlowDown",
    "ServiceUnavailable",
    "InternalError",
    "InsufficientStorage",
    "XMinioStorageFull",
    "RequestTimeout",
}
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_UNAVAILABLE = _("The service is briefly unavailable. Nothing was saved; try again.")


def _one_is_outage(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        return True
    if getattr(exc, "status_code", None) == 503:  # a DomainError saying so
        return True
    try:
        from botocore.exceptions import (
            ClientError,
            ConnectionError,
            HTTPClientError,
        )
    except ImportError:  # pragma: no cover - botocore ships with django-storages[s3]
        return False
    if isinstance(exc, ConnectionError | HTTPClientError):
        return True
    if isinstance(exc, ClientError):
        meta = exc.response.get("ResponseMetadata", {})
        code = exc.response.get("Error", {}).get("Code", "")
        return int(meta.get("HTTPStatusCode") or 0) >= 500 or (
            code in _S3_TRANSIENT_CODES
        )
    return False


def is_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an exception it was raised from) means a part of the
    installation is down or full, rather than a bad request or a bug."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if _one_is_outage(exc):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def retry_after() -> str:
    return str(settings.WARKAT_RETRY_AFTER_SECONDS)


def outage_page() -> HttpResponse:
    """The friendly 503 page (no database, no session, no request context)."""
    body = render_to_string(
        "core/unavailable.html", {"seconds": settings.WARKAT_RETRY_AFTER_SECONDS}
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = retry_after()
    response["Cache-Control"] = "no-store"
    return response


def outage_json() -> HttpResponse:
    """The API's 503 body (``warkat.api.base.ErrorOut``), in both languages."""
    with override("id"):
        message = str(_UNAVAILABLE)
    with override("en"):
        message_en = str(_UNAVAILABLE)
    response = JsonResponse(
        {"code": "service.unavailable", "message": message, "message_en": message_en},
        status=503,
    )
    response["Retry-After"] = retry_after()
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage answers 503 — JSON under ``/api/`` (raised before
    the API's own handlers, e.g. by the token middleware), the friendly page
    elsewhere; anything else is a defect and answers Django's 500."""
    if is_outage(sys.exc_info()[1]):
        if request.path.startswith("/api/"):
            return outage_json()
        return outage_page()
    return defaults.server_error(request)


class RetryAfterMiddleware:
    """Adds ``Retry-After`` to every 503 that lacks one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 503 and not response.has_header("Retry-After"):
            response["Retry-After"] = retry_after()
        return response
