"""A small webhook receiver that verifies Standard Webhooks signatures with the
``standardwebhooks`` library: used by the tests, the benchmark and the demo
(``manage.py webhook_receiver``). It listens on 127.0.0.1 only.

Each request is recorded (id, timestamp, type, body, whether the signature
verified); a bad signature is answered 401. ``status`` and ``hang`` make it answer
an error or not answer at all, to test retries and timeouts. A GET lists what was
received as JSON (the demo's "what arrived" page).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    msg_id: str
    timestamp: str
    verified: bool
    body: dict[str, Any] = field(default_factory=dict)


class Receiver:
    def __init__(
        self, *, port: int, secrets: list[str] | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.host, self.port = host, port  # 0: a free port, known once started
        self.secrets = list(secrets or [])
        self.received: list[Received] = []
        self.connections = 0  # connections accepted (kept alive between requests)
        self.status = 200
        self.hang = 0.0
        self.on_receive: Any = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hook"

    def verify(self, body: bytes, headers: dict[str, str]) -> bool:
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                return True
            except WebhookVerificationError:
                continue
        return False

    def record(self, body: bytes, headers: dict[str, str]) -> int:
        verified = self.verify(body, headers)
        try:
            parsed = json.loads(body or b"{}")
        except ValueError:
            parsed = {}
        item = Received(
            msg_id=headers.get("webhook-id", ""),
            timestamp=headers.get("webhook-timestamp", ""),
            verified=verified,
            body=parsed,
        )
        with self._lock:
            self.received.append(item)
        if self.on_receive is not None:
            self.on_receive(item)
        if self.hang:
            self._stop.wait(self.hang)
        return self.status if verified or not self.secrets else 401

    def ids(self) -> list[str]:
        with self._lock:
            return [r.msg_id for r in self.received]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # Kept-alive connections, as most receivers allow (every answer has
            # its length).
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with receiver._lock:
                    receiver.connections += 1

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver.record(body, headers)
                self._answer(status, b'{"ok": true}')

            def do_GET(self) -> None:
                with receiver._lock:
                    rows = [r.__dict__ for r in receiver.received[-50:]]
                self._answer(200, json.dumps(rows, indent=1).encode())

            def _answer(self, status: int, data: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the sender gave up (timeout)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._stop.clear()
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        # Port 0 takes a free one.
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread (the demo command)."""
        self.start()
        assert self._thread is not None
        self._thread.join()

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
