"""The phone's own check-in, signed in with a session cookie, for the fast path.

The check-in page posts to the API with the browser's session and the CSRF token
(``static/attendance/checkin.js``); the morning peak is these requests. What the
full path decides before the route runs, and how the fast path gets the same
answer, asked of the same code wherever it is cheap enough:

* the host (``ALLOWED_HOSTS``) and the CSRF check: the request is Django's own
  (``WSGIRequest``, made without what these checks never read: the path's script
  name, the body's stream and, for a JSON body, the form Django would parse as
  empty) and checked by the same checks the API's session auth runs
  (``ninja.utils.check_csrf``: Django's ``CsrfViewMiddleware``, origin, referer
  and token; the page's own plain case decided here with Django's token match,
  ``csrf_plainly_passed``). A refusal, a body that is not JSON, or a CSRF cookie
  that would be renewed, is left to Django, which answers its own 403;
* the session: the row of the session store the project uses (Django's database
  store on ``accounts_session``, not expired; found with its user, by the user id
  the store keeps in a column, in the same round trip as every input of the
  check-in), decoded as that store's ``decode`` does (Django's signer of the
  store's salt, with the secret's derived key kept per process: ``_signer``, and
  its serializer; anything that does not decode is Django's), which must name that
  same user; then, as
  ``django.contrib.auth.get_user`` does, the user id and an authentication backend
  the settings list, the user active (``user_can_authenticate``), and the session's
  hash equal to the user's ``get_session_auth_hash()`` with the current secret (a
  session of an older secret, which Django re-keys, is left to it);
* the caller's tenant: the user's (``TenantScopeMiddleware``), which the API's auth
  requires.

Nothing of the session is written on this path (the route does not modify the
session; ``SESSION_SAVE_EVERY_REQUEST`` is off), and the answer carries the headers
the full path adds for a session (``Vary: Cookie`` after the session was read,
``Content-Language``/``Vary: Accept-Language`` of the locale middleware).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from importlib import import_module
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core import signing
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponseForbidden, QueryDict
from django.middleware.csrf import (  # type: ignore[attr-defined]
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    CsrfViewMiddleware,
    _does_token_match,
)
from django.utils.crypto import constant_time_compare

from warkat.accounts.models import User

#: The session's user's tenant made the connection's (run with the tenant setting
#: ``all``): $1 session key, $2 now; the session row not expired, found by the user
#: id the project's store keeps beside the data (``accounts.Session``).
USER_TENANT_SQL = (
    "SELECT set_config('warkat.tenant_id', coalesce(("
    "SELECT u.tenant_id::text FROM accounts_session s"
    " JOIN accounts_user u ON u.id = s.user_id"
    " WHERE s.session_key = $1 AND s.expire_date > $2::timestamptz"
    "), ''), false)"
)
#: What ``token_user_sql`` gives for a token, for the session's user ($1 session
#: key, $2 now), with the password hash the session's hash is checked against and
#: the session's signed data (decoded and checked in Python: ``session_user_id``).
SESSION_USER_SQL = """
    SELECT NULL::bigint AS token_id, u.tenant_id, NULL::timestamptz AS expires_at,
           NULL::timestamptz AS revoked_at, NULL::jsonb AS scopes,
           NULL::timestamptz AS last_used_at, u.id AS user_id, u.is_active,
           u.tenant_id AS user_tenant, u.person_id,
           EXISTS (SELECT 1 FROM accounts_serviceaccount sa
                   WHERE sa.user_id = u.id) AS machine,
           tn.time_zone, ($2::timestamptz AT TIME ZONE tn.time_zone)::date AS day,
           u.password, s.session_data
      FROM accounts_session s
      JOIN accounts_user u ON u.id = s.user_id
      JOIN tenancy_tenant tn ON tn.id = u.tenant_id
     WHERE s.session_key = $1 AND s.expire_date > $2::timestamptz"""

#: The key salt of ``AbstractBaseUser.get_session_auth_hash`` (the tests compare
#: the hash with the user's own).
_AUTH_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
#: One store of the project's engine, kept for its ``decode`` (which reads only the
#: store's salt and serializer: no state of a session, safe across threads).
_STORE = import_module(settings.SESSION_ENGINE).SessionStore()
_PK = User._meta.pk
_CSRF = CsrfViewMiddleware(lambda request: HttpResponseForbidden())


#: What ``request.POST`` is for a JSON body (Django parses only forms).
_NO_FORM = QueryDict()


class CheckRequest(WSGIRequest):
    """Django's request of a JSON ``POST`` to ``path``, made without what the host,
    CSRF and language checks never read (``WSGIRequest.__init__`` works out the
    script name, the path, the content type and the body's stream); everything
    they do read (``META``, ``COOKIES``, ``get_host``, ``is_secure``, ``POST``) is
    Django's own."""

    def __init__(self, environ: dict[str, Any], path: str) -> None:
        # Not ``super().__init__``: that is the work this class leaves out.
        self.environ = self.META = environ
        self.path = self.path_info = path
        self.method = "POST"
        self._post = _NO_FORM
        self.resolver_match = None


def session_request(environ: dict[str, Any]) -> tuple[WSGIRequest, str] | None:
    """The request as Django would check it and its session key, when its body is
    JSON, its host is allowed, it passes Django's CSRF check unchanged and carries a
    session cookie; else None (Django answers)."""
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        return None  # a form's CSRF token is in its body: Django's to read
    request = CheckRequest(environ, environ["PATH_INFO"])
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not key or len(key) > 40:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if csrf_plainly_passed(request, host):
        return request, key
    # ``ninja.utils.check_csrf`` (what the API's session auth calls), with one
    # middleware kept (its trusted origins are worked out once, not per request).
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    _CSRF.process_request(request)
    refused = _CSRF.process_view(request, cast(Any, _view), (), {})
    if refused is not None or "CSRF_COOKIE_NEEDS_UPDATE" in request.META:
        return None
    return request, key


def csrf_plainly_passed(request: WSGIRequest, host: str) -> bool:
    """Whether the request passes Django's CSRF check in its plainest case, the
    page's own: the secret in its cookie (not masked), the token (masked or not)
    in the header, the request's origin its own (``scheme://host``, the first
    origin ``CsrfViewMiddleware`` accepts), the token matching the secret
    (Django's ``_does_token_match``). The middleware's run costs several times
    this; every other case (a form's token, a masked or malformed cookie, another
    origin, no origin, the secret in the session) is the middleware's to decide."""
    if settings.CSRF_USE_SESSIONS:
        return False
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    token = request.META.get(settings.CSRF_HEADER_NAME, "")
    origin = ("https://" if request.is_secure() else "http://") + host
    return (
        len(secret) == CSRF_SECRET_LENGTH
        and _token_chars(secret)
        and len(token) in (CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH)
        and _token_chars(token)
        and request.META.get("HTTP_ORIGIN") == origin
        and _does_token_match(token, secret)
    )


def _token_chars(value: str) -> bool:
    """Only the characters of a CSRF token (``_check_token_format``: a-z, A-Z, 0-9)."""
    return value.isascii() and value.isalnum()


def session_user_id(session_data: str) -> tuple[int, dict[str, Any]] | None:
    """The signed-in user's id of a stored session, decoded as the session store
    does, and the session; None when it names no user of a backend the settings
    list, or does not decode (Django then decodes it, logs and answers)."""
    signer = _signer(settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))
    try:
        session = signer.unsign_object(session_data, serializer=_STORE.serializer)
    except Exception:
        return None
    try:
        user_id = _PK.to_python(session[SESSION_KEY])
        backend = session[BACKEND_SESSION_KEY]
    except (KeyError, ValueError, TypeError):
        return None
    if backend not in settings.AUTHENTICATION_BACKENDS or not isinstance(user_id, int):
        return None
    return user_id, session


def session_hash_ok(session: dict[str, Any], password: str) -> bool:
    """The session's hash is the user's, with the current secret (as ``get_user``
    verifies it; a fallback secret's is left to Django, which re-keys it)."""
    given = session.get(HASH_SESSION_KEY)
    if not given or not isinstance(given, str):
        return False
    # ``AbstractBaseUser._get_session_auth_hash`` (``salted_hmac``, SHA-256) with
    # the secret's derived key kept: a model instance, or the key derived again,
    # cost more than the rest of the check.
    key = _derived_key(_AUTH_HASH_SALT, settings.SECRET_KEY)
    expected = hmac.digest(key, password.encode(), "sha256").hex()
    return constant_time_compare(given, expected)


class _Signer(signing.TimestampSigner):
    """The signer ``SessionBase.decode`` uses (``signing.loads`` with the store's
    salt), computing Django's signature (``base64_hmac``) with the key derived
    from each secret kept, instead of derived again for every signature."""

    def signature(self, value: bytes | str, key: Any = None) -> str:
        key = key or self.key
        salt = self.salt
        if not (
            self.algorithm == "sha256"
            and isinstance(key, str)
            and isinstance(value, str)
            and isinstance(salt, str)
        ):
            return str(super().signature(value, key))
        derived = _derived_key(salt + "signer", key)
        return signing.b64_encode(
            hmac.digest(derived, value.encode(), "sha256")
        ).decode()


@functools.lru_cache(maxsize=8)
def _derived_key(key_salt: str, secret: str) -> bytes:
    """``salted_hmac``'s key for ``key_salt`` and ``secret`` (SHA-256)."""
    return hashlib.sha256((key_salt + secret).encode()).digest()


@functools.lru_cache(maxsize=4)
def _signer(key: str, fallback_keys: tuple[str, ...]) -> _Signer:
    """The session store's signer for the current secrets (the settings read per
    call: a test's ``override_settings`` gets its own)."""
    return _Signer(key=key, salt=_STORE.key_salt, fallback_keys=list(fallback_keys))


def _view() -> None:
    """The view the CSRF check is asked about (not exempt: the check runs)."""
