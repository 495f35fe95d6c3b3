"""Background work of the text of files (queue "ocr") and its periodic sweep."""

from __future__ import annotations

from django.tasks import task, task_backends

from warkat.core.queue import queued
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="ocr")
def file_text_extract(*, tenant_id: int, file_text_id: int) -> str:
    """Read one file's text (``processing.file_text_read``); a failure that may be
    retried queues the next attempt for its time when the backend can defer (else
    the sweep queues it). Returns the outcome."""
    from warkat.ocr.processing import file_text_read

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        outcome = file_text_read(file_text_id=file_text_id)
    if outcome.retry_at is not None and _defers():
        # Not durable with the state change; a lost retry is queued by the sweep.
        file_text_extract.using(run_after=outcome.retry_at).enqueue(
            tenant_id=tenant_id, file_text_id=file_text_id
        )
    return outcome.state


def _defers() -> bool:
    return bool(task_backends[file_text_extract.backend].supports_defer)


def file_texts_sweep(*, tenant_id: int) -> int:
    """Hand back runs a dead worker left running, and queue the rows waiting for a
    run (a due retry, a lost first run) that no waiting task covers; returns how
    many were queued. Inside the tenant's scope.

    Here, beside the task it queues: the work module never enqueues."""
    from warkat.ocr.processing import stuck_runs_release, texts_due

    stuck_runs_release()
    count = 0
    for row_tenant, file_text_id in texts_due():
        args = {"tenant_id": row_tenant, "file_text_id": file_text_id}
        if queued(file_text_extract, **args):
            continue
        file_text_extract.enqueue(**args)
        count += 1
    return count


@task(queue_name="default")
def file_texts_sweep_run() -> int:
    """``file_texts_sweep`` tenant by tenant; returns how many files were queued."""
    count = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_scope(tenant):
            count += file_texts_sweep(tenant_id=tenant.pk)
    return count
