"""Single sign-on benchmark: the token endpoint (code exchange and refresh) and
userinfo, as an SKPD app calls them.

    DATABASE_URL=postgres://…/warkat_bench_NAME python -m bench.bench_sso \
        [--iterations 200] [--in-process]

Builds its own small tenant (one unit, one person holding a definitif and a Plt
position, a registered confidential client app), then per iteration: the person's
browser gets an authorization code (consent remembered, not timed), and the app
exchanges it (timed), reads userinfo (timed) and refreshes (timed). The target is
p95 ≤ 30 ms for the token endpoint and userinfo.

By default (``bench.sso_server``) the app's requests go over HTTP to gunicorn
started with production settings (``WARKAT_PRODUCTION=1``, 2 workers, 4 threads each) on
a copy of the PostgreSQL database (``CREATE DATABASE … TEMPLATE``, dropped
afterwards): wall-clock time as the app sees it, and the server's CPU time per
request. ``--in-process`` times Django's request stack in this process instead (no
network, no HTTP server) inside one transaction that is rolled back.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from functools import partial
from typing import Any

from bench.sso_flow import REDIRECT, TARGET_MS, auth_code, pct, setup


class _Rollback(Exception):
    pass


def run(iterations: int, warmup: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    cpu: dict[str, list[float]] = {
        "token (code)": [],
        "userinfo": [],
        "token (refresh)": [],
    }
    timings: dict[str, list[float]] = {
        "token (code)": [],
        "userinfo": [],
        "token (refresh)": [],
    }
    queries: dict[str, list[int]] = {k: [] for k in timings}
    app = HttpClient()

    def timed(name: str, count: bool, call: Any) -> Any:
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = call()
            elapsed = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu_started) * 1000
        assert response.status_code == 200, (name, response.content[:200])
        if count:
            timings[name].append(elapsed)
            cpu[name].append(cpu_ms)
            queries[name].append(len(captured))
        return response

    try:
        with transaction.atomic():
            user, client, secret = setup()
            browser = HttpClient()
            browser.force_login(user)
            creds = {"client_id": client.client_id, "client_secret": secret}
            for i in range(warmup + iterations):
                count = i >= warmup
                code, verifier = auth_code(browser, client)
                exchange = {
                    "grant_type": "authorization_code", "code": code,
                    "redirect_uri": REDIRECT, "code_verifier": verifier, **creds,
                }  # fmt: skip
                tokens = timed(
                    "token (code)", count, partial(app.post, "/sso/token/", exchange)
                ).json()
                bearer = f"Bearer {tokens['access_token']}"
                timed(
                    "userinfo",
                    count,
                    partial(app.get, "/sso/userinfo/", HTTP_AUTHORIZATION=bearer),
                )
                renew = {
                    "grant_type": "refresh_token",
                    "refresh_token": tokens["refresh_token"],
                    **creds,
                }
                timed("token (refresh)", count, partial(app.post, "/sso/token/", renew))
            raise _Rollback
    except _Rollback:
        pass
    return {
        "database": connection.vendor,
        "iterations": iterations,
        "load": os.getloadavg()[0],
        "rows": [
            (
                name,
                statistics.median(values),
                pct(values, 0.95),
                statistics.median(cpu[name]),
                pct(cpu[name], 0.95),
                f"{min(queries[name])}-{max(queries[name])}",
            )
            for name, values in timings.items()
        ],
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"SSO endpoints, {result['database']}, {result['iterations']} requests each "
        f"(in process, target p95 ≤ {TARGET_MS:.0f} ms; load average "
        f"{result['load']:.1f}: wall time includes waiting for a busy CPU)",
        f"{'endpoint':<16} {'p50 ms':>7} {'p95 ms':>7} {'CPU p50':>8} {'CPU p95':>8} "
        f"{'queries':>8}  p95 ok",
    ]
    for name, p50, p95, cpu50, cpu95, count in result["rows"]:
        ok = "yes" if p95 <= TARGET_MS else "NO"
        lines.append(
            f"{name:<16} {p50:>7.1f} {p95:>7.1f} {cpu50:>8.1f} {cpu95:>8.1f} "
            f"{count:>8}  {ok}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--no-migrate", action="store_true")
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()
    if not args.in_process:
        from bench.sso_server import main as through_server

        through_server(args.iterations, args.warmup)
        return
    from bench import bootstrap

    bootstrap(migrate=not args.no_migrate)
    from django.conf import settings
    from django.test import override_settings

    # The untimed consent page links static files: no collectstatic manifest needed.
    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": plain}}
    ):
        print(table(run(args.iterations, args.warmup)))


if __name__ == "__main__":
    main()
