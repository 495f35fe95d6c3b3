"""Who is acting and from where, for the audit log of the current request or task."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("warkat_client_ip", default=None)


def client_ip() -> str | None:
    return _client_ip.get()


@contextmanager
def client_ip_context(ip: str | None) -> Iterator[None]:
    token = _client_ip.set(ip)
    try:
        yield
    finally:
        _client_ip.reset(token)
