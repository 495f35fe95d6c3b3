"""Background work on letter files (queue "render")."""

from __future__ import annotations

from django.tasks import task

from warkat.core.queue import ever_queued
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="render")
def letter_pages_render(*, tenant_id: int, letter_id: int) -> int:
    """Draw the page pictures of the letter's PDFs (``pages.letter_pages_make``);
    returns how many were recorded. Idempotent."""
    from warkat.letters.pages import letter_pages_make

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        return letter_pages_make(letter_id=letter_id)


def pages_sweep(*, tenant_id: int) -> int:
    """Queue the drawing of PDFs stored between ``pages.SWEEP_HORIZON`` and
    ``pages.SWEEP_AFTER`` ago that have no pictures and whose drawing was never
    queued (a process died between the commit and a non-transactional enqueue, see
    ``core.queue``); returns how many letters were queued. Inside the tenant's scope.

    Here, beside the task it queues: the page-drawing work module never enqueues."""
    from warkat.letters.pages import letters_without_pages

    count = 0
    for letter_id in letters_without_pages():
        args = {"tenant_id": tenant_id, "letter_id": letter_id}
        # Queued once (drawn, or drawing failed and logged): not lost, left alone.
        if ever_queued(letter_pages_render, **args):
            continue
        letter_pages_render.enqueue(**args)
        count += 1
    return count


@task(queue_name="default")
def pages_sweep_run() -> int:
    """Queue page pictures whose drawing was lost (``pages_sweep``), tenant by
    tenant; returns how many letters were queued."""
    queued = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_scope(tenant):
            queued += pages_sweep(tenant_id=tenant.pk)
    return queued
