"""Timestamps from a TSA reached by URL: one kept-alive connection for many
signatures, and a clean failure when it does not answer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from warkat.core.errors import DomainError
from warkat.signing import pki, tsaclient
from warkat.signing.tests import factories


class _Tsa(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    stamper: Any = None
    connections = 0

    def setup(self) -> None:
        type(self).connections += 1
        super().setup()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = self.stamper.respond_der(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def tsa_url() -> Iterator[str]:
    urls = pki.PkiUrls(*(f"https://warkat.example/pki/t/{n}" for n in range(5)))
    ca = pki.ca_build(organisation="TSA Uji", urls=urls)
    _Tsa.stamper = pki.TenantTimeStamper(
        tsa_cert=ca.tsa_cert, tsa_key=ca.tsa_key,
        chain=[ca.intermediate_cert, ca.root_cert],
    )  # fmt: skip
    _Tsa.connections = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tsa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    tsaclient.timestamper.cache_clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        tsaclient.timestamper.cache_clear()


def test_many_signatures_share_one_connection(
    signer: factories.Signer, settings: Any, tsa_url: str
) -> None:
    settings.WARKAT_TSA_URL = tsa_url
    import datetime as dt

    import time_machine

    start = dt.datetime.now(dt.UTC)
    for n in range(3):
        # A TOTP code is accepted once: each signature in its own 30 s window.
        with time_machine.travel(start + dt.timedelta(seconds=31 * (n + 1))):
            result = factories.sign(signer)
        assert result.document.pades_level == "B-T"
    assert _Tsa.connections == 1


def test_a_tsa_that_does_not_answer_fails_cleanly(
    signer: factories.Signer, settings: Any
) -> None:
    tsaclient.timestamper.cache_clear()
    settings.WARKAT_TSA_URL = "http://127.0.0.1:9/tsa"
    settings.WARKAT_TSA_TIMEOUT = 1
    with pytest.raises(DomainError) as exc:
        factories.sign(signer)
    assert exc.value.code == "signing.tsa_unavailable"
