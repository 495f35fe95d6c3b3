"""Core background tasks."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="default")
def worker_heartbeat(queue: str) -> str:
    """Queued on each queue by ``run_periodic`` (``heartbeats_enqueue``, with
    ``using(queue_name=queue)``): running it shows that queue has a live worker."""
    from warkat.core.health import heartbeat_record

    heartbeat_record(queue=queue, force=True)
    return queue


def heartbeats_enqueue() -> list[str]:
    """Queue a heartbeat task on every queue that has none waiting (database
    backend; a dead worker's queue gets one, not one per run). Returns the queues."""
    from warkat.core.health import task_queues, uses_database_queue
    from warkat.core.queue import queued

    if not uses_database_queue():
        return []
    sent = []
    for queue in task_queues():
        if not queued(worker_heartbeat, queue=queue):
            worker_heartbeat.using(queue_name=queue).enqueue(queue=queue)
            sent.append(queue)
    return sent
