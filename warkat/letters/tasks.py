"""Background work on letter files (queue "render")."""

from __future__ import annotations

from django.tasks import task

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


@task(queue_name="default")
def pages_sweep_run() -> int:
    """Queue page pictures whose drawing was lost (``pages.pages_sweep``), tenant
    by tenant; returns how many letters were queued."""
    from warkat.letters.pages import pages_sweep

    queued = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_scope(tenant):
            queued += pages_sweep(tenant_id=tenant.pk)
    return queued
