"""Sending webhook requests to a vetted address (``ssrf.vet``), over kept-alive
connections.

``http.client`` connects to the vetted IP itself — the name is not resolved again —
while the ``Host`` header and, for https, the TLS server name and certificate check
use the URL's host. Redirects are never followed (a 3xx is a failed attempt). A
connection must be made within ``connect_timeout`` (short: a receiver that is down
costs little) and one deadline bounds the whole exchange, so a receiver that hangs or
trickles its answer is cut off and retried later.

A ``Pool`` keeps the connections to one target open between requests (HTTP/1.1
keep-alive) for the threads of one drain: each request takes an idle connection or
opens one, and gives it back when the answer was read whole. An answer longer than
``DRAIN_BYTES`` or without a length is not read further: its connection is closed.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from warkat.webhooks.ssrf import Target

#: At most this much of an answer is kept in the delivery log.
EXCERPT_BYTES = 500
#: At most this much of an answer is read to reuse its connection.
DRAIN_BYTES = 64 * 1024


class TransportError(Exception):
    """The request did not get an answer (refused, timed out, TLS failure)."""


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str


class _Vetted(http.client.HTTPConnection):
    """Connects to the vetted address within the connect timeout."""

    def __init__(self, target: Target, connect_timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=connect_timeout)
        self._address = target.address

    def _socket(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def connect(self) -> None:
        self.sock = self._socket()


class _VettedTLS(_Vetted):
    def __init__(self, target: Target, connect_timeout: float) -> None:
        super().__init__(target, connect_timeout)
        self._context = ssl.create_default_context()

    def connect(self) -> None:
        self.sock = self._context.wrap_socket(self._socket(), server_hostname=self.host)


class Pool:
    """Kept-alive connections to one target, shared by the threads of a drain."""

    def __init__(
        self, target: Target, *, timeout: float, connect_timeout: float
    ) -> None:
        self.target = target
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self._idle: list[_Vetted] = []
        self._lock = threading.Lock()

    def _new(self) -> _Vetted:
        kind = _VettedTLS if self.target.scheme == "https" else _Vetted
        return kind(self.target, self.connect_timeout)

    def _take(self) -> _Vetted | None:
        with self._lock:
            return self._idle.pop() if self._idle else None

    def _give_back(self, conn: _Vetted) -> None:
        with self._lock:
            self._idle.append(conn)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def post(self, *, body: bytes, headers: dict[str, str]) -> Answer:
        """POST ``body``; raises ``TransportError`` when there is no complete answer
        within the timeout. A kept connection the receiver closed meanwhile is
        replaced once (the request had not reached it)."""
        reused = self._take()
        if reused is not None:
            try:
                return self._exchange(reused, body, headers)
            except _Stale:
                pass
        return self._exchange(self._new(), body, headers)

    def _exchange(self, conn: _Vetted, body: bytes, headers: dict[str, str]) -> Answer:
        deadline = time.monotonic() + self.timeout
        fresh = conn.sock is None
        keep = False
        try:
            if fresh:
                conn.connect()
            conn.sock.settimeout(max(0.01, deadline - time.monotonic()))
            conn.request(
                "POST",
                self.target.path,
                body=body,
                headers={
                    **headers,
                    "Content-Type": "application/json",
                    "User-Agent": "Warkat-Webhooks/1",
                },
            )
            try:
                response = conn.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError) as exc:
                if fresh:
                    raise
                raise _Stale from exc
            answer, keep = _read(conn, response, deadline)
            return answer
        except TimeoutError as exc:
            raise TransportError(f"timeout after {self.timeout:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            if not fresh and isinstance(exc, BrokenPipeError | ConnectionResetError):
                raise _Stale from exc
            raise TransportError(f"{type(exc).__name__}: {exc}"[:300]) from exc
        finally:
            if keep:
                self._give_back(conn)
            else:
                conn.close()


class _Stale(Exception):
    """A kept connection the receiver had closed before this request."""


def _read(
    conn: http.client.HTTPConnection,
    response: http.client.HTTPResponse,
    deadline: float,
) -> tuple[Answer, bool]:
    """The answer, and whether its connection may be used again (read whole,
    not closed by the receiver)."""
    sock = conn.sock
    chunk = b""
    read = 0
    while read <= DRAIN_BYTES:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        if sock is not None:
            sock.settimeout(remaining)
        piece = response.read1(min(16384, DRAIN_BYTES + 1 - read))
        if not piece:
            break
        read += len(piece)
        if len(chunk) < EXCERPT_BYTES:
            chunk += piece[: EXCERPT_BYTES - len(chunk)]
    # ``read1`` leaves a response of known length open once it is read whole.
    whole = response.isclosed() or response.length == 0
    if whole:
        response.close()
    keep = whole and not response.will_close and read <= DRAIN_BYTES
    answer = Answer(
        status=response.status,
        excerpt=chunk.decode("utf-8", errors="replace")[:EXCERPT_BYTES],
    )
    return answer, keep


def post(
    *,
    target: Target,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    connect_timeout: float | None = None,
) -> Answer:
    """One POST on a connection of its own (closed afterwards)."""
    pool = Pool(target, timeout=timeout, connect_timeout=connect_timeout or timeout)
    try:
        return pool.post(body=body, headers=headers)
    finally:
        pool.close()
