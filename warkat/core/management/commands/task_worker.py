"""``manage.py task_worker --queue-name <queue>``: the task worker to run in
production (``db_worker``'s options; see ``warkat.core.workers`` for what it adds:
outages waited out, transient failures retried, dead workers' tasks recovered)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker

from warkat.core.gcsetup import process_gc_setup
from warkat.core.workers import Worker


class Command(db_worker.Command):
    help = "Run a task worker that survives outages and recovers dead workers' tasks"

    def handle(self, *args: Any, **options: Any) -> None:
        # A long-lived process, as an app server's worker (``core.gcsetup``).
        process_gc_setup()
        # db_worker builds its Worker by name: run its handler with ours in place.
        original = db_worker.Worker
        db_worker.Worker = Worker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
