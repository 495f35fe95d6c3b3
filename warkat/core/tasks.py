"""Core background tasks."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="default")
def worker_heartbeat(queue: str) -> str:
    """Queued on each queue by ``run_periodic`` (``health.heartbeats_enqueue``, with
    ``using(queue_name=queue)``): running it shows that queue has a live worker."""
    from warkat.core.health import heartbeat_record

    heartbeat_record(queue=queue, force=True)
    return queue
