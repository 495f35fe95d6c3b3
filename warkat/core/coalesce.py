"""Work that several writes of one service would each repeat, done once at the
end of a block instead (still inside the service's transaction).

A receiver that refreshes something derived from a row (the search index of a
letter) calls ``once_at_end(refresh, keys)``: outside a ``coalesced()`` block it
runs at once, as before; inside one, the keys are collected and ``refresh`` runs
once with all of them when the block ends without an exception. The block must
sit inside the transaction whose writes it coalesces, so the derived rows commit
(or roll back) with them. Nested blocks flush at the outermost one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

Refresh = Callable[[list[Any]], Any]

_pending: ContextVar[dict[Refresh, set[Any]] | None] = ContextVar(
    "warkat_coalesce_pending", default=None
)


@contextmanager
def coalesced() -> Iterator[None]:
    """Collect ``once_at_end`` calls and run each refresh once at the end."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[Refresh, set[Any]] = {}
    token = _pending.set(pending)
    try:
        yield
    except BaseException:
        _pending.reset(token)
        raise
    _pending.reset(token)
    for refresh, keys in pending.items():
        refresh(sorted(keys))


def once_at_end(refresh: Refresh, keys: Iterable[Any]) -> None:
    """``refresh(keys)`` now, or once at the end of the enclosing ``coalesced()``."""
    pending = _pending.get()
    if pending is None:
        refresh(list(keys))
    else:
        pending.setdefault(refresh, set()).update(keys)
