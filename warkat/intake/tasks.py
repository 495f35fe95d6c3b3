"""Background work of mail-in (queue "default") and its periodic run."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from warkat.core.queue import enqueue_durable, queued
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="default")
def mailbox_fetch_run(*, tenant_id: int, mailbox_id: int) -> str:
    """Import the new messages of one mailbox. A server that is down or refuses
    the password is noted on the mailbox and tried again at the next run."""
    from warkat.intake.errors import MailboxUnavailable
    from warkat.intake.fetching import mailbox_fetch

    with tenant_scope(Tenant.objects.get(pk=tenant_id)):
        try:
            return f"{mailbox_fetch(mailbox_id=mailbox_id)} recorded"
        except MailboxUnavailable as exc:
            return exc.code


def mailboxes_fetch_enqueue(*, tenant_id: int) -> int:
    """Queue a fetch of every enabled mailbox of the tenant in scope that no
    waiting task covers. Here, beside the task it queues."""
    from warkat.intake.models import Mailbox

    count = 0
    with transaction.atomic():
        for pk in Mailbox.objects.filter(enabled=True).values_list("pk", flat=True):
            args = {"tenant_id": tenant_id, "mailbox_id": pk}
            if not queued(mailbox_fetch_run, **args):
                enqueue_durable(mailbox_fetch_run, **args)
                count += 1
    return count


@task(queue_name="default")
def mailin_run() -> int:
    """Periodic (``run_periodic``): queue the fetch of every enabled mailbox."""
    count = 0
    for tenant in Tenant.objects.all():
        with tenant_scope(tenant):
            count += mailboxes_fetch_enqueue(tenant_id=tenant.pk)
    return count
