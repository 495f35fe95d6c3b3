"""Static files as production serves them: collectstatic's output behind the app
server with its production settings (``scripts/serve``).

Issue 15: htmx went out uncompressed with a 60-second cache because WhiteNoise's
finders served the source files. This starts the real server (not the test client, which
would run under the test settings) on a loopback port and asks it over HTTP.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

PROJECT = Path(settings.BASE_DIR).parent
YEAR = "max-age=31536000, public, immutable"

ENV_REQUEST_ID = "from-the-servers-environment"

# One collectstatic and one server per run: the module's tests stay on one xdist worker.
pytestmark = pytest.mark.xdist_group("static_server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[int, dict[str, str]]]:
    var = tmp_path_factory.mktemp("var")
    # Not under pytest and not in debug mode: the settings production runs with.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"WARKAT_DEBUG", "WARKAT_TESTING"}
    }
    env["WARKAT_VAR_DIR"] = str(var)
    # The server copies its environment into each request's environ: none of it
    # may read as the request's (``warkat.core.wsgienv``).
    env["HTTP_X_REQUEST_ID"] = ENV_REQUEST_ID
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=PROJECT,
        env=env,
        check=True,
        timeout=900,
    )
    manifest = json.loads((var / "static" / "staticfiles.json").read_text())["paths"]
    port = _free_port()
    env |= {"WARKAT_HOST": "127.0.0.1", "WARKAT_PORT": str(port),
            "WARKAT_WORKERS": "1", "WARKAT_THREADS": "2", "WARKAT_PYTHON": python}  # fmt: skip
    proc = subprocess.Popen(
        [str(PROJECT / "scripts" / "serve")],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        yield port, manifest
    finally:
        proc.terminate()
        proc.wait(10)


def _get(port: int, path: str, encoding: str = "") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": encoding} if encoding else {})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize(
    "name",
    ["django_htmx/htmx-2.min.js", "warkat/app.css", "warkat/manifest.webmanifest"],
)
def test_hashed_files_compressed_and_cached_for_a_year(
    server: tuple[int, dict[str, str]], name: str, encoding: str
) -> None:
    port, manifest = server
    hashed = manifest[name]
    assert hashed != name, "collectstatic gives every file a content-hashed name"
    resp = _get(port, f"/static/{hashed}", f"{encoding}, deflate")
    assert resp.status == 200
    assert resp.getheader("Content-Encoding") == encoding
    assert resp.getheader("Cache-Control") == YEAR
    assert "Accept-Encoding" in (resp.getheader("Vary") or "")


def test_unhashed_name_not_immutable(server: tuple[int, dict[str, str]]) -> None:
    """A name without a hash may change under the same URL: a short cache only."""
    port, _ = server
    resp = _get(port, "/static/warkat/app.css", "br")
    assert resp.status == 200
    assert "immutable" not in (resp.getheader("Cache-Control") or "")


def test_favicon_and_manifest_served(server: tuple[int, dict[str, str]]) -> None:
    port, manifest = server
    favicon = _get(port, "/favicon.ico")
    assert favicon.status == 200
    assert favicon.getheader("Content-Type", "").startswith("image/")
    for name in (
        "warkat/manifest.webmanifest",
        "warkat/icon.svg",
        "warkat/icon-192.png",
    ):
        assert _get(port, f"/static/{manifest[name]}").status == 200
    # The icons the manifest names exist next to it, by their hashed names (kept a
    # year, never fetched twice).
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/static/{manifest['warkat/manifest.webmanifest']}")
    icons = json.loads(conn.getresponse().read())["icons"]
    conn.close()
    assert {i["src"] for i in icons} == {
        manifest[f"warkat/{n}"].removeprefix("warkat/")
        for n in ("icon.svg", "icon-192.png", "icon-512.png")
    }
    for icon in icons:
        resp = _get(port, f"/static/warkat/{icon['src']}")
        assert resp.status == 200
        assert resp.getheader("Cache-Control") == YEAR


def test_the_servers_environment_is_not_the_request(
    server: tuple[int, dict[str, str]],
) -> None:
    """A variable of the server's environment named like a header (here the request
    id, which the app echoes when the client sends one) is not taken for one."""
    port, _ = server
    resp = _get(port, "/favicon.ico")
    assert resp.status == 200
    echoed = resp.getheader("X-Request-ID")
    assert echoed and echoed != ENV_REQUEST_ID
