"""The app's WSGI entry point hands on the request's own environ only."""

from __future__ import annotations

from typing import Any

from warkat.core.wsgienv import RequestOnlyEnviron

PROCESS = {
    "DATABASE_URL": "postgres://warkat:rahasia@db/warkat",
    "WARKAT_SECRET_KEY": "s3cret",
    "HTTP_X_FORWARDED_PROTO": "https",
    "PATH_INFO": "/from-the-process",
}


def _seen(environ: dict[str, Any]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(env)
        return [b""]

    RequestOnlyEnviron(app, process_env=PROCESS)(environ, lambda *a: None)
    return seen


def test_the_process_environment_is_not_in_the_request() -> None:
    # What granian hands the application: the process environment, then the request.
    request = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/kotak-masuk/",
        "HTTP_HOST": "warkat.example",
        "wsgi.url_scheme": "http",
    }
    seen = _seen(PROCESS | request)
    assert seen == request
    # A variable named like a header never reads as one the client sent.
    assert "HTTP_X_FORWARDED_PROTO" not in seen


def test_a_clean_environ_is_left_as_it_is() -> None:
    request = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "CONTENT_LENGTH": "0"}
    assert _seen(dict(request)) == request


def test_the_entry_point_scrubs_first() -> None:
    from warkat.config import wsgi

    assert isinstance(wsgi.application, RequestOnlyEnviron)
