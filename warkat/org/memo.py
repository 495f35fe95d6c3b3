"""A small process-local memo for what is derived from a tenant's organisation
alone (a subtree's people and positions), kept under the organisation's version.

The caller puts the version (``org_version``: the change feed's counter, moved on in
the same transaction as every change of a unit, position, person or assignment) in
the key, read before the value is computed, so a kept value is never older than its
key. Only what was read outside a transaction is kept: inside one, a value may hold
the transaction's own uncommitted changes, and a version number that a rollback
hands to another change. Bounded (the least recently used goes first); no expiry
is needed, since a change moves the version on.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from django.db import connection


class OrgMemo[T]:
    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept under ``key``, or ``compute()`` (kept when read outside a
        transaction)."""
        if connection.in_atomic_block:
            return compute()
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = compute()
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
