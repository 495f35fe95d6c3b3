"""Request ids: one id per request, on the response, in every log record, and carried
into the background tasks the request queues.

The id comes from the proxy's ``X-Request-ID`` when it is a plausible id (letters,
digits, ``-_.:``, at most 64 characters — anything else is replaced, so a client
cannot inject text into the logs) or is made here. It lives in a context variable:

* ``RequestIdMiddleware`` sets it for the request and puts it on the response;
* ``RequestIdFilter`` copies it onto every log record (``record.request_id``);
* ``task_kwargs_with_request_id`` adds it to a task's keyword arguments under
  ``REQUEST_ID_KWARG`` when the task is queued (``core.queue.enqueue_durable``), so it
  is stored with the task row;
* the ``task_started`` receiver takes it out of the arguments again before the task
  function is called (the functions never see it) and sets the context variable for
  the run; ``task_finished`` restores the previous value. Tasks queued by a task
  inherit the id, so a chain of work stays traceable to the request that began it.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

#: Task keyword argument that carries the id (removed before the task function runs).
REQUEST_ID_KWARG = "_request_id"
HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "warkat_request_id", default=None
)
# Value before each running task, restored when it finishes (by task result id).
_before_task: dict[str, str | None] = {}


def request_id() -> str | None:
    """The id of the request or task being handled, if any."""
    return _current.get()


def request_id_clean(value: str | None) -> str | None:
    """``value`` if it is an acceptable id, else None."""
    if value and _VALID.match(value):
        return value
    return None


#: The bits ``uuid.uuid4`` sets in 128 random ones: version 4, RFC 4122's variant.
_UUID4_KEEP = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (4 << 76) | (0x8000 << 48)


def request_id_new() -> str:
    """A new id: ``uuid.uuid4().hex``, without making the ``UUID`` object (a
    check-in's fast path makes one per request)."""
    return "%032x" % (int.from_bytes(os.urandom(16)) & _UUID4_KEEP | _UUID4_SET)


class RequestIdMiddleware:
    """Sets the request id for everything the request does (logs, queued tasks)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # META directly: ``request.headers`` would parse every header of the request.
        rid = (
            request_id_clean(request.META.get("HTTP_X_REQUEST_ID")) or request_id_new()
        )
        request.request_id = rid  # type: ignore[attr-defined]
        token = _current.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` ("-" outside a request or task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or "-"
        return True


def task_kwargs_with_request_id(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` plus the current request id, if there is one."""
    rid = _current.get()
    if rid is None:
        return kwargs
    return {**kwargs, REQUEST_ID_KWARG: rid}


def without_request_id(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` as the task function sees them (for comparing stored arguments)."""
    return {key: value for key, value in kwargs.items() if key != REQUEST_ID_KWARG}


def on_task_started(*, task_result: Any, **_: Any) -> None:
    # The worker calls the function with this same dict right after the signal.
    rid = request_id_clean(task_result.kwargs.pop(REQUEST_ID_KWARG, None))
    _before_task[task_result.id] = _current.get()
    if rid is not None:
        _current.set(rid)


def on_task_finished(*, task_result: Any, **_: Any) -> None:
    if task_result.id in _before_task:
        _current.set(_before_task.pop(task_result.id))


def connect() -> None:
    """Hook the task signals (from ``CoreConfig.ready``)."""
    from django.tasks.signals import task_finished, task_started

    task_started.connect(on_task_started, dispatch_uid="warkat.requestid.started")
    task_finished.connect(on_task_finished, dispatch_uid="warkat.requestid.finished")
