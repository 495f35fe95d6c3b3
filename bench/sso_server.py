"""The SSO benchmark through the real HTTP server (``python -m bench.bench_sso``).

gunicorn runs with production settings on a copy of the PostgreSQL database named
by ``DATABASE_URL`` (created from it as a template, dropped afterwards), as an app
role of its own (NOSUPERUSER NOBYPASSRLS: row-level security applies). This
process prepares the tenant and gets each authorization code as the person's
browser does (Django's test client on the same copy, not timed); the app's calls —
the code exchange, userinfo, the refresh — are timed as the app sees them: a new
HTTP connection per request, as from behind the load balancer that terminates TLS
(``X-Forwarded-Proto: https``). The server's CPU time per request is its processes'
user + system time around each request (one at a time), averaged per endpoint.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import PROJECT_DIR
from bench.pgcopy import copy_create, copy_drop, cpu_seconds
from bench.sso_flow import REDIRECT, TARGET_MS, auth_code, pct, setup

WORKERS, THREADS = 2, 4
NAMES = ("token (code)", "userinfo", "token (refresh)")


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(p) for p in found)]


def _gunicorn(sock: socket.socket, url: str) -> subprocess.Popen[bytes]:
    key = (PROJECT_DIR / "var" / "oidc-dev-key.pem").read_text()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "WARKAT_PRODUCTION": "1",
        "WARKAT_SECRET_KEY": secrets.token_urlsafe(50),
        "WARKAT_ALLOWED_HOSTS": "127.0.0.1",
        "WARKAT_OIDC_KEY": key,
        "WARKAT_LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "warkat.config.wsgi",
        "--bind", f"fd://{sock.fileno()}",
        "--workers", str(WORKERS), "--threads", str(THREADS),
        "--no-control-socket", "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=PROJECT_DIR, env=env, pass_fds=[sock.fileno()])


class _App:
    """The SKPD app's side: a new connection per request."""

    def __init__(self, port: int) -> None:
        self.port = port

    def call(
        self, method: str, path: str, *, form: dict[str, str] | None = None,
        bearer: str = "",
    ) -> tuple[float, dict[str, Any]]:  # fmt: skip
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        started = time.perf_counter()
        # Generous: a cold worker's first request imports much on a loaded machine.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {data[:300]!r}")
        return elapsed, json.loads(data)

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not start")


def run(iterations: int, warmup: int, port: int, pids: list[int]) -> dict[str, Any]:
    from django.test import Client as HttpClient

    user, client, secret = setup()
    browser = HttpClient()
    browser.force_login(user)
    app = _App(port)
    creds = {"client_id": client.client_id, "client_secret": secret}
    timings: dict[str, list[float]] = {name: [] for name in NAMES}
    cpu: dict[str, float] = dict.fromkeys(NAMES, 0.0)

    def timed(i: int, name: str, *call: Any, **kw: Any) -> dict[str, Any]:
        # The requests run one at a time: the server's CPU time around one is its.
        before = cpu_seconds(pids)
        took, body = app.call(*call, **kw)
        if i >= warmup:
            timings[name].append(took)
            cpu[name] += cpu_seconds(pids) - before
        return body

    for i in range(warmup + iterations):
        code, verifier = auth_code(browser, client)
        exchange = {
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": REDIRECT, "code_verifier": verifier, **creds,
        }  # fmt: skip
        tokens = timed(i, NAMES[0], "POST", "/sso/token/", form=exchange)
        timed(i, NAMES[1], "GET", "/sso/userinfo/", bearer=tokens["access_token"])
        renew = {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            **creds,
        }
        timed(i, NAMES[2], "POST", "/sso/token/", form=renew)
    return {
        "iterations": iterations,
        "rows": [
            (name, statistics.median(v), pct(v, 0.95), cpu[name] * 1000 / iterations)
            for name, v in timings.items()
        ],
    }


def table(result: dict[str, Any], loads: tuple[float, float]) -> str:
    lines = [
        f"SSO endpoints through gunicorn ({WORKERS} workers x {THREADS} threads, "
        f"production settings, PostgreSQL as an app role under row-level security), "
        f"{result['iterations']} requests each; "
        f"wall-clock as the app sees it, load average {loads[0]:.1f} → "
        f"{loads[1]:.1f} (2 cores, shared)",
        f"{'endpoint':<16} {'p50 ms':>7} {'p95 ms':>7} {'server CPU ms':>14}  "
        f"p95 ≤ {TARGET_MS:.0f} ms",
    ]
    for name, p50, p95, cpu in result["rows"]:
        ok = "yes" if p95 <= TARGET_MS else "NO"
        lines.append(f"{name:<16} {p50:>7.1f} {p95:>7.1f} {cpu:>14.1f}  {ok}")
    return "\n".join(lines)


def main(iterations: int, warmup: int) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a migrated PostgreSQL database")
    copy, copy_url, app_url = copy_create(url, "sso")
    os.environ["DATABASE_URL"] = copy_url
    server = None
    try:
        from bench import bootstrap

        bootstrap(migrate=False)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(128)
        port = sock.getsockname()[1]
        server = _gunicorn(sock, app_url)
        sock.close()
        _App(port).wait_ready(time.monotonic() + 120)
        from django.conf import settings
        from django.test import override_settings

        plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": plain}}
        load_start = os.getloadavg()[0]
        with override_settings(STORAGES=storages):
            result = run(iterations, warmup, port, _children(server.pid))
        print(table(result, (load_start, os.getloadavg()[0])))
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        from django.db import connections

        connections.close_all()
        copy_drop(url, copy)
