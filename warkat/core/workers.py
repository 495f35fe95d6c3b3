"""The task worker that survives outages and recovers the work of dead workers.

``django_tasks_db``'s ``db_worker`` runs the queue table well, but on its own:

* it exits on the first database error outside a task (PostgreSQL restarting), so
  every worker host would need a supervisor to bring it back;
* a task that fails because a part was down (the database, the object store) is
  marked failed for good, although running it again a minute later would succeed;
* a task whose worker was killed (``kill -9``, a host lost) stays ``RUNNING`` for
  ever, and the sweeps (``core.queue.queued``) then never queue that work again.

``manage.py task_worker`` (same options as ``db_worker``) runs this ``Worker``:

* database errors outside a task are waited out (a pause, then the loop again);
* a task failing with an outage (``core.outage.is_outage``) is put back in the
  queue with ``run_after`` pushed back (``WARKAT_TASK_RETRY_SECONDS`` times the
  attempt), up to ``WARKAT_TASK_MAX_ATTEMPTS`` runs in all (``worker_ids`` holds one
  id per run); other exceptions fail the task as before (a bug, not an outage);
* every worker stamps its liveness in the shared cache every few seconds from a
  small thread, and each worker, when idle, puts back ``RUNNING`` tasks whose
  worker has not been seen for ``WARKAT_WORKER_STALE_SECONDS`` (work functions are
  idempotent: the sweeps already rely on it). A worker that has itself just come
  back from an outage waits as long before judging others, whose stamps stopped
  for the same outage.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.db.utils import InterfaceError, OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.models import DBTaskResult

from warkat.core.outage import is_outage

logger = logging.getLogger(__name__)
_ALIVE_KEY = "warkat:worker-alive:{id}"
_STAMP_EVERY = 2.0
_OUTAGE_PAUSE = 1.0


def alive_key(worker_id: str) -> str:
    return _ALIVE_KEY.format(id=worker_id)


def _attempts(row: DBTaskResult) -> int:
    return len(row.worker_ids or [])


def task_requeue(*, task_id: Any, delay: float) -> None:
    """Put a task back in the queue to run in ``delay`` seconds."""
    with transaction.atomic():
        DBTaskResult.objects.filter(pk=task_id).update(
            status=TaskResultStatus.READY,
            started_at=None,
            run_after=timezone.now() + dt.timedelta(seconds=delay),
        )


def orphans_recover(*, stale_seconds: float) -> list[str]:
    """Put back the running tasks whose worker was not seen for ``stale_seconds``;
    a task that already ran ``WARKAT_TASK_MAX_ATTEMPTS`` times fails instead.
    Returns the ids recovered."""
    now = time.time()
    recovered: list[str] = []
    running = list(DBTaskResult.objects.running().only("id", "worker_ids"))
    if not running:
        return recovered
    keys = {alive_key(w) for row in running for w in (row.worker_ids or [])[-1:]}
    stamps = cache.get_many(list(keys))
    for row in running:
        last = (row.worker_ids or [""])[-1]
        stamp = stamps.get(alive_key(last))
        if stamp is not None and now - stamp < stale_seconds:
            continue
        with transaction.atomic():
            locked = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=row.pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if locked is None or locked.worker_ids != row.worker_ids:
                continue
            if _attempts(locked) >= settings.WARKAT_TASK_MAX_ATTEMPTS:
                locked.set_failed(RuntimeError(f"worker {last} died; out of attempts"))
            else:
                task_requeue(task_id=locked.pk, delay=0)
        logger.warning("task %s of dead worker %s put back in the queue", row.pk, last)
        recovered.append(str(row.pk))
    return recovered


class Worker(DbWorker):
    """``db_worker``'s loop with outages waited out, transient failures retried and
    dead workers' tasks recovered (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stale_seconds = float(settings.WARKAT_WORKER_STALE_SECONDS)
        self.retry_seconds = float(settings.WARKAT_TASK_RETRY_SECONDS)
        # Monotonic time since which this worker has reached the database.
        self.connected_since = time.monotonic()
        self.last_recovery = 0.0
        self._stop = threading.Event()

    # --- liveness -------------------------------------------------------------
    def _stamp_loop(self) -> None:
        while not self._stop.wait(_STAMP_EVERY):
            try:
                cache.set(alive_key(self.worker_id), time.time(), 24 * 3600)
                # Here, not in the task loop: an idle worker recovers orphans too.
                self._recover_orphans()
            except Exception:  # the database is down: stamped again when it is back
                pass
            finally:
                connection.close()

    # --- the loop -------------------------------------------------------------
    def run(self) -> None:
        threading.Thread(target=self._stamp_loop, daemon=True).start()
        try:
            while self.running:
                try:
                    super().run()
                    return
                except (OperationalError, InterfaceError) as exc:
                    logger.warning("database unavailable, waiting: %s", exc)
                    self._wait_out_outage()
        finally:
            self._stop.set()

    def _wait_out_outage(self) -> None:
        while self.running:
            time.sleep(_OUTAGE_PAUSE)
            try:
                close_old_connections()
                connection.close()
                connection.ensure_connection()
            except (OperationalError, InterfaceError):
                continue
            self.connected_since = time.monotonic()
            return

    def _recover_orphans(self) -> None:
        now = time.monotonic()
        if now - self.connected_since < self.stale_seconds:
            return  # others' stamps may have stopped for the outage we just had
        if now - self.last_recovery < min(self.stale_seconds, 10.0):
            return
        self.last_recovery = now
        orphans_recover(stale_seconds=self.stale_seconds)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run as ``db_worker`` does, but an outage puts the task back in the queue
        instead of failing it."""
        fail = db_task_result.set_failed

        def set_failed(exc: BaseException) -> None:
            if is_outage(exc) and (
                _attempts(db_task_result) < settings.WARKAT_TASK_MAX_ATTEMPTS
            ):
                delay = self.retry_seconds * _attempts(db_task_result)
                logger.warning(
                    "task %s hit an outage (%s); retried in %.0f s",
                    db_task_result.pk,
                    type(exc).__name__,
                    delay,
                )
                self._requeue_when_possible(db_task_result.pk, delay)
                db_task_result.status = TaskResultStatus.READY
                return
            fail(exc)

        db_task_result.set_failed = set_failed  # type: ignore[method-assign]
        try:
            super().run_task(db_task_result)
        except (OperationalError, InterfaceError):
            # The outcome could not be recorded (the database went away): run it
            # again once the database is back rather than leave it RUNNING.
            self._requeue_when_possible(db_task_result.pk, self.retry_seconds)
            raise

    def _requeue_when_possible(self, task_id: Any, delay: float) -> None:
        while True:
            try:
                task_requeue(task_id=task_id, delay=delay)
                return
            except (OperationalError, InterfaceError):
                self._wait_out_outage()
                if not self.running:
                    return  # left RUNNING: another worker recovers it
