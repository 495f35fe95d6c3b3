"""Work that several writes of one service would each repeat, done once at the
end of a block instead (still inside the service's transaction).

A receiver that refreshes something derived from a row (the search index of a
letter) calls ``once_at_end(refresh, keys)``: outside a ``coalesced()`` block it
runs at once, as before; inside one, the keys are collected and ``refresh`` runs
once with all of them when the block ends without an exception. The block must
sit inside the transaction whose writes it coalesces, so the derived rows commit
(or roll back) with them. Nested blocks flush at the outermost one.

``already_fresh()`` marks a block whose writes change nothing derived (audit
events appended after the writes they describe, once those are refreshed): the
refreshes asked for inside it are dropped. A service appends its audit events
last (the tenant's audit chain head is locked from there to the commit), so the
refreshes run before that lock is taken, not while it is held.
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


@contextmanager
def already_fresh() -> Iterator[None]:
    """Drop the refreshes asked for inside this block: only for writes that the
    caller knows leave every derived row as it is (an audit event appended after
    the refresh of what it describes)."""
    token = _pending.set({})
    try:
        yield
    finally:
        _pending.reset(token)
