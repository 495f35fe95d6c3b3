"""Reads that one action repeats for each of its items, done once per action.

Signing 50 letters in one action (``drafting.batches``) asks 50 times for the
same tenant settings, number format, letterhead, signer's assignment and CA
material. Inside a ``memo_scope()`` block, a function decorated with
``@per_action`` runs once per distinct arguments and its result is reused until
the block ends; outside any block it runs every time, as before. So the action
works on one snapshot of these slowly changing rows, taken when it first needs
each of them (a letterhead changed during a 3-second batch is used from the next
action on), and nothing is kept between actions or requests.

Only for reads whose result is not changed by the caller and does not depend on
the transaction it is read in (no row locks: a locked read must be read under
its lock each time). Arguments must be hashable (model instances hash by their
primary key).

``AUDIT_APPEND`` is a narrower scope of the same kind: one append of audit events
(``audit.services.audit_records``), which is one transaction with no savepoint
inside, so a function marked ``@AUDIT_APPEND.memo`` may also write (once per
distinct arguments for all the events appended together).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any


class MemoScope:
    """A kind of block inside which ``@memo`` functions run once per distinct
    arguments (nested blocks of one kind share the outermost one's results)."""

    def __init__(self, name: str) -> None:
        self._store: ContextVar[dict[Any, Any] | None] = ContextVar(
            f"warkat_memo_{name}", default=None
        )

    @contextmanager
    def scope(self) -> Iterator[None]:
        if self._store.get() is not None:
            yield
            return
        token = self._store.set({})
        try:
            yield
        finally:
            self._store.reset(token)

    def memo[**P, R](self, fn: Callable[P, R]) -> Callable[P, R]:
        store_of = self._store

        @functools.wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            store = store_of.get()
            if store is None:
                return fn(*args, **kwargs)
            key = (fn, args, tuple(sorted(kwargs.items())))
            try:
                return store[key]  # type: ignore[no-any-return]
            except KeyError:
                result = store[key] = fn(*args, **kwargs)
                return result

        return call


ACTION = MemoScope("action")
#: One append of audit events to a tenant's chain (``audit.services``).
AUDIT_APPEND = MemoScope("audit_append")

#: Reuse the results of ``@per_action`` functions inside the block.
memo_scope = ACTION.scope
#: Run the function once per distinct arguments inside a ``memo_scope()``.
per_action = ACTION.memo
