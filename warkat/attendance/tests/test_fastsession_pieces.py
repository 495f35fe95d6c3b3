"""The session check's own pieces (``attendance.fastsession``), on any database:
the session decoded exactly as the store decodes it, under the settings of the
moment, and the request the CSRF check reads."""

from __future__ import annotations

import io
from typing import Any, cast

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core import signing
from django.core.handlers.wsgi import WSGIRequest
from django.middleware.csrf import (  # type: ignore[attr-defined]
    _get_new_csrf_string,
    _mask_cipher_secret,
)
from django.test import RequestFactory, override_settings

from warkat.accounts.models import User
from warkat.attendance import fastpath
from warkat.attendance.fastsession import (
    _CSRF,
    _STORE,
    CheckRequest,
    _signer,
    _view,
    csrf_plainly_passed,
    session_hash_ok,
    session_request,
    session_user_id,
)

DATA = {
    SESSION_KEY: "42",
    BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
    HASH_SESSION_KEY: "a" * 64,
}


def test_signature_is_django_s() -> None:
    signer = _signer(settings.SECRET_KEY, ())
    django = signing.TimestampSigner(salt=_STORE.key_salt)
    for value in ("", "e30", "x" * 500, "ünï:cödé"):
        assert signer.signature(value) == django.signature(value)


@pytest.mark.parametrize("data", [DATA, DATA | {"padding": "z" * 2000}])
def test_decoded_as_the_store_decodes(data: dict[str, Any]) -> None:
    encoded = _STORE.encode(data)  # long data is compressed
    assert session_user_id(encoded) == (42, _STORE.decode(encoded))


def test_refused_what_the_store_refuses() -> None:
    encoded = _STORE.encode(DATA)
    tampered = encoded[:-3] + ("aaa" if not encoded.endswith("aaa") else "bbb")
    for bad in (tampered, "", "e30:1v:notasignature", "nothing"):
        assert _STORE.decode(bad) == {}
        assert session_user_id(bad) is None
    other_backend = _STORE.encode(DATA | {BACKEND_SESSION_KEY: "x.y.Backend"})
    assert session_user_id(other_backend) is None


def test_secrets_of_the_moment() -> None:
    """A changed secret (``override_settings``, a rotation) is read at each call;
    a session of a fallback secret decodes as Django's store decodes it."""
    old = _STORE.encode(DATA)
    with override_settings(SECRET_KEY="another secret " * 4):
        assert session_user_id(old) is None
        assert _STORE.decode(old) == {}
        assert session_user_id(_STORE.encode(DATA)) is not None
    with override_settings(
        SECRET_KEY="another secret " * 4, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]
    ):
        assert _STORE.decode(old) == DATA
        assert session_user_id(old) == (42, DATA)
    assert session_user_id(old) == (42, DATA)


def test_session_hash_is_the_user_s() -> None:
    user = User(password="argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
    ok = {HASH_SESSION_KEY: user.get_session_auth_hash()}
    assert session_hash_ok(ok, user.password)
    assert not session_hash_ok(ok, user.password + "x")
    assert not session_hash_ok({HASH_SESSION_KEY: ""}, user.password)
    assert not session_hash_ok({}, user.password)
    with override_settings(SECRET_KEY="another secret " * 4):
        assert not session_hash_ok(ok, user.password)
        assert session_hash_ok(
            {HASH_SESSION_KEY: user.get_session_auth_hash()}, user.password
        )


def _environ(**extra: Any) -> dict[str, Any]:
    environ: dict[str, Any] = RequestFactory()._base_environ(  # type: ignore[attr-defined]
        PATH_INFO=fastpath.PATH, REQUEST_METHOD="POST", **extra
    )
    environ["wsgi.input"] = io.BytesIO(b"{}")
    return environ


@pytest.mark.parametrize("secure", [False, True])
def test_check_request_reads_as_django_s(secure: bool) -> None:
    extra = {
        "CONTENT_TYPE": "application/json",
        "HTTP_COOKIE": "sessionid=abc; csrftoken=def; django_language=en",
        "HTTP_X_FORWARDED_PROTO": "https" if secure else "http",
        "HTTP_HOST": "testserver:8443",
    }
    ours, django = (
        CheckRequest(_environ(**extra), fastpath.PATH),
        WSGIRequest(_environ(**extra)),
    )
    for read in ("get_host", "is_secure", "get_port", "build_absolute_uri"):
        assert getattr(ours, read)() == getattr(django, read)()
    assert ours.COOKIES == django.COOKIES
    assert ours.POST == django.POST == {}
    assert (ours.method, ours.path, ours.path_info) == (
        django.method,
        django.path,
        django.path_info,
    )


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_a_form_s_token_is_django_s_to_read(content_type: str) -> None:
    environ = _environ(CONTENT_TYPE=content_type, HTTP_COOKIE="sessionid=abc")
    assert session_request(environ) is None


SECRET = _get_new_csrf_string()
#: Cookie, header and origin of a request and whether the plain case takes it
#: (None: the middleware decides). The page's own: the secret, a masked token.
CSRF_CASES = [
    (SECRET, _mask_cipher_secret(SECRET), "http://testserver", True),
    (SECRET, SECRET, "http://testserver", True),
    (SECRET, _mask_cipher_secret(SECRET), "https://testserver", None),
    (SECRET, _mask_cipher_secret(SECRET), None, None),
    (SECRET, _mask_cipher_secret(SECRET), "http://evil.example", None),
    (SECRET, _get_new_csrf_string(), "http://testserver", None),
    (SECRET, SECRET[:-1] + "é", "http://testserver", None),
    (SECRET, None, "http://testserver", None),
    (SECRET, SECRET + "a", "http://testserver", None),
    (_mask_cipher_secret(SECRET), SECRET, "http://testserver", None),
    (SECRET[:-1] + "-", SECRET[:-1] + "-", "http://testserver", None),
    (None, SECRET, "http://testserver", None),
]


#: The cases' names (the secrets are random: xdist's workers must collect the
#: same ids).
CSRF_CASE_IDS = [
    "masked-token", "secret-as-token", "other-scheme", "no-origin", "other-origin",
    "other-secret", "non-ascii-token", "no-token", "token-too-long",
    "masked-cookie", "bad-characters", "no-cookie",
]  # fmt: skip


@pytest.mark.parametrize(
    ("cookie", "header", "origin", "plain"), CSRF_CASES, ids=CSRF_CASE_IDS
)
def test_csrf_plain_case_is_one_django_passes(
    cookie: str | None, header: str | None, origin: str | None, plain: bool | None
) -> None:
    """What the plain case takes, Django's middleware takes too; what it does not
    take goes to the middleware (which may still take it)."""
    extra = {"CONTENT_TYPE": "application/json"}
    if cookie is not None:
        extra["HTTP_COOKIE"] = f"sessionid=abc; {settings.CSRF_COOKIE_NAME}={cookie}"
    if header is not None:
        extra[settings.CSRF_HEADER_NAME] = header
    if origin is not None:
        extra["HTTP_ORIGIN"] = origin
    request = CheckRequest(_environ(**extra), fastpath.PATH)
    assert csrf_plainly_passed(request, request.get_host()) is bool(plain)
    django = WSGIRequest(_environ(**extra))
    _CSRF.process_request(django)
    refused = _CSRF.process_view(django, cast(Any, _view), (), {})
    if plain:
        assert refused is None
    with override_settings(CSRF_USE_SESSIONS=True):
        assert not csrf_plainly_passed(request, request.get_host())


def test_language_kept_per_cookie_and_header_until_settings_change() -> None:
    from warkat.attendance import fastwsgi

    def language(**extra: Any) -> str:
        return fastwsgi._language(_environ(**extra))

    assert language(HTTP_ACCEPT_LANGUAGE="en") == "en"
    assert language(HTTP_ACCEPT_LANGUAGE="id,en;q=0.5") == "id"
    assert language(HTTP_ACCEPT_LANGUAGE="en", HTTP_COOKIE="django_language=id") == (
        "id"
    )
    assert language() == settings.LANGUAGE_CODE
    with override_settings(LANGUAGE_CODE="en"):
        assert language() == "en"
        assert language(HTTP_ACCEPT_LANGUAGE="id,en;q=0.5") == "id"
    assert language() == settings.LANGUAGE_CODE == "id"
    for i in range(fastwsgi._LANGUAGES_KEPT + 10):  # made-up headers: kept bounded
        language(HTTP_ACCEPT_LANGUAGE=f"x{i}")
    assert len(fastwsgi._LANGUAGES) == fastwsgi._LANGUAGES_KEPT
