"""Sending one webhook request to a vetted address (``ssrf.vet``).

``http.client`` connects to the vetted IP itself — the name is not resolved again —
while the ``Host`` header and, for https, the TLS server name and certificate check
use the URL's host. Redirects are never followed (a 3xx is a failed attempt), and one
deadline bounds the whole exchange, so a receiver that hangs or trickles its answer
is cut off and retried later.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from warkat.webhooks.ssrf import Target

#: At most this much of an answer is read and kept in the delivery log.
EXCERPT_BYTES = 500


class TransportError(Exception):
    """The request did not get an answer (refused, timed out, TLS failure)."""


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


class _VettedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host,
            target.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _VettedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(
    *, target: Target, body: bytes, headers: dict[str, str], timeout: float
) -> Answer:
    """POST ``body`` to ``target``; raises ``TransportError`` when there is no
    complete answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    conn: http.client.HTTPConnection = (
        _VettedHTTPS(target, timeout)
        if target.scheme == "https"
        else _VettedHTTP(target, timeout)
    )
    try:
        conn.request(
            "POST",
            target.path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": "Warkat-Webhooks/1",
            },
        )
        # Kept: the connection lets go of its socket once the answer is read.
        sock = conn.sock
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        response = conn.getresponse()
        chunk = b""
        while len(chunk) < EXCERPT_BYTES:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            sock.settimeout(remaining)
            piece = response.read1(EXCERPT_BYTES - len(chunk))
            if not piece:
                break
            chunk += piece
        return Answer(
            status=response.status,
            excerpt=chunk.decode("utf-8", errors="replace")[:EXCERPT_BYTES],
        )
    except TimeoutError as exc:
        raise TransportError(f"timeout after {timeout:g} s") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}"[:300]) from exc
    finally:
        conn.close()
