"""Only the request in a request's WSGI environ.

granian, the app hosts' server (``scripts/serve``), starts every request's environ
from a copy of the process environment. Django would then hold ``DATABASE_URL``,
the secret key and whatever else a host was started with in ``request.META``
(which error reports print), and an environment variable named like a header
(``HTTP_X_FORWARDED_PROTO``, ``HTTP_X_REQUEST_ID``) would read as one the client
sent. ``RequestOnlyEnviron`` removes the process environment's names from the
environ before anything reads it; the names a server sets for the request itself
(CGI's and ``wsgi.*``) stay. A header the client sends under the name of a
process variable (``HTTP_PROXY``) is removed with it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: What a server sets for the request (PEP 3333's CGI names, and what servers add).
REQUEST_NAMES = frozenset(
    {
        "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE",
        "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
        "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_HOST", "GATEWAY_INTERFACE",
        "SERVER_SOFTWARE", "RAW_URI", "REQUEST_URI",
    }
)  # fmt: skip


class RequestOnlyEnviron:
    """WSGI middleware: ``app`` sees the request's names only (module docstring)."""

    def __init__(self, app: WSGIApp, process_env: Mapping[str, str] | None = None):
        self.app = app
        self._env = process_env
        self._drop: tuple[str, ...] | None = None

    def names_dropped(self) -> tuple[str, ...]:
        # Read at the first request, when the server has copied the environment
        # (after this module and the settings were imported).
        if self._drop is None:
            env = os.environ if self._env is None else self._env
            self._drop = tuple(
                name
                for name in env
                if name not in REQUEST_NAMES and not name.startswith("wsgi.")
            )
        return self._drop

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        for name in self._drop or self.names_dropped():
            environ.pop(name, None)
        return self.app(environ, start_response)
