"""Killing a real process in the middle of a signing, on SQLite and PostgreSQL.

The child is forked (it inherits the test's settings, frozen clock and fixtures),
writes to the test database, and is SIGKILLed at the point under test; the parent
then looks at what was committed. On PostgreSQL both use the same test database.
SQLite's test database lives in the memory of one process, so ``shared_database``
copies it to a file the child writes to and copies that back after the child died.
The test must run outside a transaction (``transaction=True``) so the child sees the
data the test made.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections


def die() -> None:
    """SIGKILL this process: no ``finally``, no commit, no on-commit hook."""
    os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Yields the function a forked child calls first to use the test database."""
    connections.close_all()
    if settings.IS_POSTGRES:
        yield lambda: None
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()

    def attach() -> None:
        # The inherited handle is the parent's in-memory database: drop it unused.
        connection.connection = None
        connection.settings_dict["NAME"] = str(path)

    yield attach
    back = sqlite3.connect(path)
    back.backup(connection.connection)
    back.close()


def run_killed(
    tmp_path: Path, target: Callable[..., None], *args: Any, timeout: int = 120
) -> int | None:
    """Run ``target(*args)`` in a forked child on the shared test database; returns
    the child's exit code (``-SIGKILL`` when it was killed)."""
    with shared_database(tmp_path) as attach:
        child = multiprocessing.get_context("fork").Process(
            target=_child, args=(attach, target, *args)
        )
        child.start()
        child.join(timeout)
    return child.exitcode


def _child(attach: Callable[[], None], target: Callable[..., None], *args: Any) -> None:
    attach()
    target(*args)
    os._exit(3)  # not reached when the target is killed as planned
