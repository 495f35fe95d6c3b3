"""The check-in fast path at the WSGI level, in front of Django.

``fastpath.CheckInFastMiddleware`` answers the common phone check-in in two round
trips, but only after Django has built its request, sent ``request_started`` and
run the middleware above it; at the morning peak that wrapping cost about a third
of the CPU of a check-in. ``CheckInFastApplication`` (the production entry point,
``warkat.config.wsgi``) answers the same requests before Django, with the same
function (``fastpath.checkin_fast``: same token checks, same rules, same record)
and what the middleware above the fast path gives its answer:

* the request id (``X-Request-ID``: the proxy's when plausible, else a new one),
  set for the logs while the check-in runs (``core.requestid``);
* the metrics (``warkat_http_requests_total`` and the latency histogram, under
  the route's pattern, as ``core.metrics.MetricsMiddleware`` counts them);
* the security middleware's headers (HSTS on a secure request, ``nosniff``,
  ``Referrer-Policy``, ``Cross-Origin-Opener-Policy``); a request the security
  middleware would redirect to HTTPS is left to Django;
* the connection's age and health as ``close_old_connections`` keeps them at the
  start of a request.

The check-in page's own request (session cookie and CSRF token, no
``Authorization``) is answered here too, after the checks of ``fastsession`` (the
host, Django's CSRF check, the session store's row and ``get_user``'s checks), with
the headers the full stack gives a session's answer (its content security policy,
``Vary`` and ``Content-Language``). Check-ins are not audit events and a phone's
token has no rate limit (a service account's has: machines are always left to
Django), so there is nothing more to keep. Everything the fast path declines — and any error in it, logged — goes to
Django unchanged (the body put back), marked so the middleware does not try again:
the full path then answers exactly as it always did, and a record that was already
inserted is found there again as a replay or a double tap, never recorded twice.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import resolve
from django.utils import translation
from django.utils.csp import CSP

from warkat.attendance.fastpath import CONTENT_TYPE, PATH, TRIED, checkin_fast
from warkat.attendance.fastsession import CheckRequest, session_request
from warkat.core import requestid
from warkat.core.metrics import HTTP_LATENCY, HTTP_REQUESTS
from warkat.core.wsgienv import StartResponse, WSGIApp

logger = logging.getLogger("django.request")


#: A phone check-in's body is a few hundred bytes; anything larger is Django's.
MAX_BODY = 4096


def _security_headers(*, secure: bool) -> list[tuple[str, str]]:
    """What Django's ``SecurityMiddleware`` adds to an answer (HSTS only on a secure
    request), asked of the middleware itself once, so the two never differ."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": PATH, "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "https" if secure else "http",
        "SERVER_NAME": "localhost", "SERVER_PORT": "443" if secure else "80",
    }  # fmt: skip
    middleware = SecurityMiddleware(lambda request: HttpResponse())
    response = middleware.process_response(WSGIRequest(environ), HttpResponse())
    return [(k, v) for k, v in response.items() if k.lower() != "content-type"]


def _csp_headers() -> list[tuple[str, str]]:
    """The content security policy headers Django's middleware gives an answer
    that used no nonce, asked of the middleware itself once."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": PATH, "wsgi.input": io.BytesIO(),
        "SERVER_NAME": "localhost", "SERVER_PORT": "80",
    }  # fmt: skip
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    request = WSGIRequest(environ)
    middleware.process_request(request)
    response = middleware.process_response(request, HttpResponse())
    names = {str(CSP.HEADER_ENFORCE).lower(), str(CSP.HEADER_REPORT_ONLY).lower()}
    return [(k, v) for k, v in response.items() if k.lower() in names]


def is_secure(environ: dict[str, Any]) -> bool:
    """``HttpRequest.is_secure`` for a WSGI environ."""
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        header, secure_value = proxy
        value = environ.get(header)
        if value is not None:
            return bool(value.split(",", 1)[0].strip() == secure_value)
    return bool(environ.get("wsgi.url_scheme") == "https")


class CheckInFastApplication:
    """WSGI application: the common phone check-in answered here, everything else
    (and every check-in the fast path declines) by ``app`` (Django's)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.enabled = settings.IS_POSTGRES
        self.redirect = settings.SECURE_SSL_REDIRECT
        self.security = {s: _security_headers(secure=s) for s in (False, True)}
        self.session_cookie = settings.SESSION_COOKIE_NAME + "="
        self.csp = _csp_headers()
        self._metrics: Any = None

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        if (
            self.enabled
            and environ.get("PATH_INFO") == PATH
            and environ.get("REQUEST_METHOD") == "POST"
        ):
            authorization = environ.get("HTTP_AUTHORIZATION")
            if authorization is None:
                # A browser's: its session cookie (and CSRF) decide, as in Django.
                session = self.session_cookie in environ.get("HTTP_COOKIE", "")
            else:
                session = False
            if session or (authorization or "")[:7].lower() == "bearer ":
                answered = self._fast(environ, start_response, session=session)
                if answered is not None:
                    return answered
        return self.app(environ, start_response)

    def _fast(
        self, environ: dict[str, Any], start_response: StartResponse, *, session: bool
    ) -> list[bytes] | None:
        started = time.perf_counter()
        environ[TRIED] = True
        secure = is_secure(environ)
        if self.redirect and not secure:
            return None  # Django's security middleware redirects it
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY:
            return None
        body = environ["wsgi.input"].read(length)  # given back below if declined
        rid = (
            requestid.request_id_clean(environ.get("HTTP_X_REQUEST_ID"))
            or requestid.request_id_new()
        )
        token = requestid._current.set(rid)
        request: WSGIRequest | None = None
        try:
            if session:
                checked = session_request(environ)
                if checked is None:
                    out = None
                else:
                    request, key = checked
                    out = checkin_fast(
                        session_key=key,
                        content_type=environ.get("CONTENT_TYPE", ""),
                        body=body,
                        language=lambda: _language(environ, request),
                        db=_connection_kept(),
                    )
            else:
                out = checkin_fast(
                    authorization=environ["HTTP_AUTHORIZATION"],
                    content_type=environ.get("CONTENT_TYPE", ""),
                    body=body,
                    language=lambda: _language(environ),
                    db=_connection_kept(),
                )
        except Exception:
            logger.exception("check-in fast path failed; the full path answers")
            out = None
        finally:
            requestid._current.reset(token)
        if out is None:
            environ["HTTP_X_REQUEST_ID"] = rid  # the same id in Django's logs
            environ["wsgi.input"] = io.BytesIO(body)  # unread, whoever read it
            return None
        size = ("Content-Length", str(len(out)))
        if request is None:
            headers = [
                ("Content-Type", CONTENT_TYPE),
                ("X-Frame-Options", "DENY"),
                size,
            ]
        else:
            # A session's answer passed through the whole stack in Django: its
            # content security policy, and what the locale, session and
            # compression middleware add (in the order Django sends them).
            headers = [("Content-Type", CONTENT_TYPE), *self.csp,
                       ("X-Frame-Options", "DENY"), size,
                       ("Vary", "Accept-Language, Cookie, Accept-Encoding"),
                       ("Content-Language", _language(environ, request))]  # fmt: skip
        headers += self.security[secure]
        headers.append((requestid.HEADER, rid))
        start_response("201 Created", headers)
        latency, count = self._labels()
        latency.observe(time.perf_counter() - started)
        count.inc()
        return [out]

    def _labels(self) -> tuple[Any, Any]:
        """The metrics' children of the check-in route (made once per process)."""
        if self._metrics is None:
            route = resolve(PATH).route
            self._metrics = (
                HTTP_LATENCY.labels("POST", route),
                HTTP_REQUESTS.labels("POST", route, "201"),
            )
        return self._metrics  # type: ignore[no-any-return]


def _connection_kept() -> BaseDatabaseWrapper:
    """This thread's connection, as ``close_old_connections`` keeps it at the start
    of a request: closed when past its age or after errors (outside a transaction:
    a test's atomic block keeps it)."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.connection is not None and not conn.in_atomic_block:
        conn.close_if_unusable_or_obsolete()
    return conn


#: The language Django chooses for a language cookie and an ``Accept-Language``
#: (a function of the two and the settings; emptied when a language setting
#: changes). Bounded: the header is the client's to make up.
_LANGUAGES: dict[tuple[str | None, str], str] = {}
_LANGUAGES_KEPT = 256
_LANGUAGE_SETTINGS = frozenset(
    {"LANGUAGES", "LANGUAGE_CODE", "LANGUAGE_COOKIE_NAME", "LOCALE_PATHS"}
)


def _language(environ: dict[str, Any], request: WSGIRequest | None = None) -> str:
    """The request's language as Django would choose it (cookie, then header)."""
    if request is None:
        request = CheckRequest(environ, PATH)
    key = (
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),
    )
    language = _LANGUAGES.get(key)
    if language is None:
        language = translation.get_language_from_request(request)
        if len(_LANGUAGES) < _LANGUAGES_KEPT:
            _LANGUAGES[key] = language
    return language


@receiver(setting_changed)
def _language_settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in _LANGUAGE_SETTINGS:
        _LANGUAGES.clear()
