"""A small SKPD app that signs its users in through Warkat: the relying party of the
demo and of the browser test. It knows nothing of Warkat's code — only the issuer
address, its client id and secret — and speaks OpenID Connect through Authlib
(authorization code with PKCE S256, ID token checked against the JWKS with joserfc,
userinfo, refresh, RP-initiated logout). A plain WSGI app, no Django.

    python -m warkat.sso.skpd_app --issuer http://127.0.0.1:8000/sso \\
        --client-id ... --client-secret ... --port 8001
"""

from __future__ import annotations

import argparse
import html
import json
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

SCOPE = "openid profile nip positions"
COOKIE = "skpd_session"
StartResponse = Callable[..., Any]


@dataclass
class Session:
    state: str = ""
    nonce: str = ""
    verifier: str = ""
    tokens: dict[str, Any] = field(default_factory=dict)
    id_claims: dict[str, Any] = field(default_factory=dict)
    userinfo: dict[str, Any] = field(default_factory=dict)
    refreshed: int = 0


class SkpdApp:
    """The WSGI application. Sessions live in memory (one demo process)."""

    def __init__(
        self, *, issuer: str, client_id: str, client_secret: str, base_url: str,
        title: str = "Aplikasi SKPD",
    ) -> None:  # fmt: skip
        if urlsplit(issuer).scheme == "http":
            # Authlib refuses plain http unless told: a demo on this machine only.
            os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.base_url = base_url.rstrip("/")
        self.title = title
        self.sessions: dict[str, Session] = {}
        self._metadata: dict[str, Any] | None = None
        self._lock = threading.Lock()

    # --- OpenID Connect ---------------------------------------------------------
    @property
    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            url = f"{self.issuer}/.well-known/openid-configuration"
            self._metadata = requests.get(url, timeout=10).json()
        return self._metadata

    def oauth(self, token: dict[str, Any] | None = None) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret,
            scope=SCOPE,
            redirect_uri=f"{self.base_url}/callback",
            code_challenge_method="S256",
            token=token,
        )

    def check_id_token(self, raw: str, nonce: str | None) -> dict[str, Any]:
        keys = KeySet.import_key_set(
            requests.get(self.metadata["jwks_uri"], timeout=10).json()
        )
        token = jwt.decode(raw, keys, algorithms=["RS256"])
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": self.metadata["issuer"]},
            "aud": {"essential": True, "value": self.client_id},
            "exp": {"essential": True},
        }
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        jwt.JWTClaimsRegistry(leeway=30, **options).validate(token.claims)
        return dict(token.claims)

    # --- WSGI ---------------------------------------------------------------------
    def __call__(
        self, environ: dict[str, Any], start: StartResponse
    ) -> Iterable[bytes]:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        sid = cookie[COOKIE].value if COOKIE in cookie else ""
        with self._lock:
            session = self.sessions.get(sid)
            if session is None:
                sid = secrets.token_urlsafe(24)
                session = self.sessions[sid] = Session()
        path = environ.get("PATH_INFO", "/")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        routes = {
            "/": self.home,
            "/login": self.login,
            "/callback": self.callback,
            "/refresh": self.refresh,
            "/logout": self.logout,
            "/bye": self.bye,
        }
        handler = routes.get(path)
        extra: list[tuple[str, str]] = []
        if handler is None:
            status, body = "404 Not Found", "<p>Not found</p>"
        else:
            status, extra, body = handler(session, query)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Set-Cookie", f"{COOKIE}={sid}; HttpOnly; SameSite=Lax; Path=/"),
            ("Cache-Control", "no-store"),
            *extra,
        ]
        start(status, headers)
        return [self.page(body).encode()]

    Response = tuple[str, list[tuple[str, str]], str]

    def redirect(self, url: str) -> SkpdApp.Response:
        return "302 Found", [("Location", url)], ""

    def page(self, body: str) -> str:
        return (
            "<!doctype html><html lang=id><head><meta charset=utf-8>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(self.title)}</title></head><body>"
            f"<h1>{html.escape(self.title)}</h1>{body}</body></html>"
        )

    def home(self, session: Session, query: dict[str, str]) -> SkpdApp.Response:
        if not session.tokens:
            return (
                "200 OK",
                [],
                '<p><a id="login" href="/login">Masuk dengan Warkat</a></p>',
            )
        info = session.userinfo
        rows = "".join(
            f'<tr><th>{html.escape(k)}</th><td id="claim-{html.escape(k)}">'
            f"{html.escape(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))}"
            "</td></tr>"
            for k, v in sorted(info.items())
        )
        positions = "".join(
            f"<li>{html.escape(p['capacity'])} · {html.escape(p['position'])} · "
            f"{html.escape(p['unit'])}</li>"
            for p in info.get("positions", [])
        )
        return (
            "200 OK",
            [],
            f'<p id="greeting">Selamat datang, {html.escape(info.get("name", ""))}</p>'
            f"<ul id=positions>{positions}</ul><table>{rows}</table>"
            f'<p id="refreshed">Token diperbarui: {session.refreshed}</p>'
            '<p><a id="refresh" href="/refresh">Perbarui token</a> · '
            '<a id="logout" href="/logout">Keluar</a></p>'
            f"<details><summary>ID token</summary><pre>{html.escape(json.dumps(session.id_claims, indent=1, ensure_ascii=False))}</pre></details>",
        )

    def login(self, session: Session, query: dict[str, str]) -> SkpdApp.Response:
        session.verifier = secrets.token_urlsafe(48)
        session.nonce = secrets.token_urlsafe(16)
        url, session.state = self.oauth().create_authorization_url(
            self.metadata["authorization_endpoint"],
            code_verifier=session.verifier,
            nonce=session.nonce,
        )
        return self.redirect(url)

    def callback(self, session: Session, query: dict[str, str]) -> SkpdApp.Response:
        if "error" in query:
            return (
                "403 Forbidden",
                [],
                (
                    f'<p id="error">Warkat menolak: {html.escape(query["error"])}</p>'
                    '<p><a href="/">Kembali</a></p>'
                ),
            )
        if not session.state or query.get("state") != session.state:
            return "400 Bad Request", [], '<p id="error">state tidak cocok</p>'
        oauth = self.oauth()
        token = oauth.fetch_token(
            self.metadata["token_endpoint"],
            grant_type="authorization_code",
            code=query.get("code", ""),
            code_verifier=session.verifier,
        )
        session.id_claims = self.check_id_token(token["id_token"], session.nonce)
        session.tokens = dict(token)
        session.state = session.verifier = ""
        session.userinfo = self.fetch_userinfo(session)
        return self.redirect("/")

    def fetch_userinfo(self, session: Session) -> dict[str, Any]:
        response = self.oauth(token=session.tokens).get(
            self.metadata["userinfo_endpoint"]
        )
        response.raise_for_status()
        info: dict[str, Any] = response.json()
        if info.get("sub") != session.id_claims.get("sub"):
            raise ValueError("userinfo sub differs from the ID token's")
        return info

    def refresh(self, session: Session, query: dict[str, str]) -> SkpdApp.Response:
        if not session.tokens:
            return self.redirect("/")
        token = self.oauth(token=session.tokens).refresh_token(
            self.metadata["token_endpoint"],
            refresh_token=session.tokens["refresh_token"],
        )
        if "id_token" in token:
            session.id_claims = self.check_id_token(token["id_token"], None)
        session.tokens = dict(token)
        session.refreshed += 1
        session.userinfo = self.fetch_userinfo(session)
        return self.redirect("/")

    def logout(self, session: Session, query: dict[str, str]) -> SkpdApp.Response:
        id_token = session.tokens.get("id_token", "")
        session.tokens, session.userinfo, session.id_claims = {}, {}, {}
        params = {
            "id_token_hint": id_token,
            "client_id": self.client_id,
            "post_logout_redirect_uri": f"{self.base_url}/bye",
        }
        return self.redirect(
            f"{self.metadata['end_session_endpoint']}?{urlencode(params)}"
        )

    def bye(self, session: Session, query: dict[str, str]) -> SkpdApp.Response:
        return (
            "200 OK",
            [],
            '<p id="bye">Anda sudah keluar.</p><p><a href="/">Masuk lagi</a></p>',
        )


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(app: SkpdApp, *, host: str, port: int) -> WSGIServer:
    """A server for ``app`` (the caller runs ``serve_forever`` and ``shutdown``)."""
    return make_server(host, port, app, handler_class=_QuietHandler)


def main(argv: list[str] | None = None) -> None:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else ""
    )
    parser.add_argument(
        "--issuer", default=env("SKPD_ISSUER", "http://127.0.0.1:8000/sso")
    )
    parser.add_argument("--client-id", default=env("SKPD_CLIENT_ID", ""))
    parser.add_argument("--client-secret", default=env("SKPD_CLIENT_SECRET", ""))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(env("SKPD_PORT", "8001")))
    parser.add_argument("--title", default="Aplikasi SKPD (demo)")
    args = parser.parse_args(argv)
    app = SkpdApp(
        issuer=args.issuer,
        client_id=args.client_id,
        client_secret=args.client_secret,
        base_url=f"http://{args.host}:{args.port}",
        title=args.title,
    )
    server = serve(app, host=args.host, port=args.port)
    sys.stdout.write(f"{args.title}: http://{args.host}:{args.port}/ ({args.issuer})\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
