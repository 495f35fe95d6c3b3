"""Background notification delivery (queue "notify")."""

from __future__ import annotations

from django.tasks import task

from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


@task(queue_name="notify")
def deliver_notifications(
    *,
    tenant_id: int,
    position_ids: list[int],
    kind: str,
    letter_id: int,
    disposition_id: int | None = None,
    exclude_person_id: int | None = None,
    person_ids: list[int] | None = None,
) -> int:
    from warkat.notify.delivery import notifications_deliver

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        return len(
            notifications_deliver(
                position_ids=position_ids,
                kind=kind,
                letter_id=letter_id,
                disposition_id=disposition_id,
                exclude_person_id=exclude_person_id,
                person_ids=person_ids,
            )
        )


@task(queue_name="notify")
def deliver_notice(
    *,
    tenant_id: int,
    person_ids: list[int],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
) -> int:
    from warkat.notify.delivery import notices_deliver

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        return len(
            notices_deliver(
                person_ids=person_ids, kind=kind, title=title, body=body, url=url
            )
        )
