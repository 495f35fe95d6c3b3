"""Queueing background work so that it survives the process dying after a commit.

``transaction.on_commit(lambda: task.enqueue(...))`` loses the task when the process
dies between the commit and the hook (a worker killed, a container stopped): the
data is committed, the task never queued, and e.g. a signed letter stays "pending
delivery" for good. ``enqueue_durable`` instead:

* with the database task backend (``django_tasks_db``, the default outside tests),
  enqueues *inside* the caller's transaction: the task row is an ordinary row of the
  same database, committed or rolled back together with the data it works on;
* with any other backend (the immediate backend of the tests, a broker-based one), a
  task queued inside the transaction could run before the commit, or for a change
  that is then rolled back, so it is queued after commit as before. What a dying
  process can lose there is covered by the periodic sweeps that re-queue work left
  pending in the data (``drafting.recovery`` for deliveries of signed letters,
  ``letters.tasks.pages_sweep`` for page pictures). In-app notifications leave no
  such trace and are not re-sent: use the database backend where that matters.

``queued`` tells a sweep whether a task with given arguments is already waiting or
running, so that it does not queue the same work twice, and ``ever_queued`` whether
it was queued at all (database backend only; with other backends the sweeps rely on
their age thresholds).

The request id of the request (or task) that queues the work travels with it
(``core.requestid``): it is stored among the task's keyword arguments and taken out
again before the task function runs, and ``queued``/``ever_queued`` ignore it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import Task, task_backends

from warkat.core.requestid import task_kwargs_with_request_id, without_request_id

DATABASE_BACKEND = "django_tasks_db.backend.DatabaseBackend"


def _is_database_backend(task: Task) -> bool:
    backend = task_backends[task.backend]
    return f"{type(backend).__module__}.{type(backend).__qualname__}" == (
        DATABASE_BACKEND
    )


def is_transactional(task: Task) -> bool:
    """Whether ``task``'s backend stores the queue in the application's database,
    so that an enqueue commits or rolls back with the caller's transaction."""
    return _is_database_backend(task)


def enqueue_durable(task: Task, **kwargs: Any) -> None:
    """Queue ``task`` with ``kwargs`` as part of the current transaction (see the
    module docstring): nothing is queued for a rolled-back change, and nothing
    committed is left without its task by a crash after the commit."""
    arguments = task_kwargs_with_request_id(kwargs)
    if is_transactional(task):
        task.enqueue(**arguments)
    else:
        transaction.on_commit(lambda: task.enqueue(**arguments))


def _rows(task: Task, kwargs: dict[str, Any], statuses: list[str] | None) -> bool:
    from django_tasks_db.models import DBTaskResult

    # Narrowed in the database on the scalar arguments (ids), compared exactly here.
    scalars = {
        f"args_kwargs__kwargs__{key}": value
        for key, value in kwargs.items()
        if isinstance(value, int | str)
    }
    rows = DBTaskResult.objects.filter(task_path=task.module_path, **scalars)
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    found = rows.values_list("args_kwargs", flat=True).iterator()
    return any(without_request_id(row.get("kwargs") or {}) == kwargs for row in found)


def queued(task: Task, **kwargs: Any) -> bool:
    """Whether a task ``task`` with exactly these keyword arguments is waiting or
    running (database backend); always False for other backends."""
    if not _is_database_backend(task):
        return False
    from django.tasks import TaskResultStatus

    return _rows(task, kwargs, [TaskResultStatus.READY, TaskResultStatus.RUNNING])


def waiting(task: Task, **kwargs: Any) -> bool:
    """Whether such a task is waiting to run (not running: a task scheduling its own
    follow-up sees itself running); always False for other backends."""
    if not _is_database_backend(task):
        return False
    from django.tasks import TaskResultStatus

    return _rows(task, kwargs, [TaskResultStatus.READY])


def ever_queued(task: Task, **kwargs: Any) -> bool | None:
    """Whether such a task was ever queued (any status, until its row is pruned):
    True/False with the database backend, None (unknown) with other backends."""
    if not _is_database_backend(task):
        return None
    return _rows(task, kwargs, None)
