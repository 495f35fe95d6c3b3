"""Background work of disposal (queue "default"): destroying a signed destruction
list, packaging a signed handover, and the sweep that resumes interrupted ones."""

from __future__ import annotations

import logging

from django.tasks import task

from warkat.core.errors import DomainError
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

log = logging.getLogger(__name__)


@task(queue_name="default")
def disposal_destroy(*, tenant_id: int, batch_id: int) -> str:
    """Destroy the files of a signed destruction list (``destruction``); returns
    the batch's state. Idempotent: also resumes an interrupted destruction."""
    from warkat.archive.destruction import disposal_resume

    with tenant_scope(Tenant.objects.get(pk=tenant_id)):
        return disposal_resume(batch_id=batch_id).state


@task(queue_name="default")
def handover_package(*, tenant_id: int, batch_id: int) -> str:
    """Build the BagIt package of a signed handover (``packaging``)."""
    from warkat.archive.packaging import handover_package_make

    with tenant_scope(Tenant.objects.get(pk=tenant_id)):
        return handover_package_make(batch_id=batch_id).state


@task(queue_name="default")
def disposal_sweep() -> int:
    """Resume destructions and handovers left unfinished (a worker died), tenant by
    tenant; returns how many batches were resumed."""
    from warkat.archive.destruction import batches_unfinished, disposal_resume
    from warkat.archive.models import DisposalBatch
    from warkat.archive.packaging import handover_package_make

    count = 0
    for tenant in Tenant.objects.filter(is_active=True).order_by("pk"):
        with tenant_scope(tenant):
            for batch_id in batches_unfinished():
                try:
                    disposal_resume(batch_id=batch_id)
                except DomainError as exc:
                    # A hold placed in a race with the last signature: the list
                    # stays signed and untouched; the others go on.
                    log.warning("batch %s not resumed: %s", batch_id, exc.code)
                    continue
                count += 1
            for batch_id in DisposalBatch.objects.filter(state="packaging").values_list(
                "pk", flat=True
            ):
                handover_package_make(batch_id=batch_id)
                count += 1
    return count
