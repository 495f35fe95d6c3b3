"""Deadline follow-through of data requests, like that of dispositions: the holders
of an addressed position still owing the data are reminded when the deadline is at
most ``REMIND_WORKING_DAYS`` working days away, and once it has passed the superior
of that position is told (the requester's position when it has none), with the
requester in copy. Each addressee is reminded and escalated once; both are audited
and notified. Runs inside the tenant's scope, days in the tenant's zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from warkat.audit.services import audit_record
from warkat.dashboard.models import DataRequestTarget, TargetState
from warkat.dispositions.selectors import working_day_deadline
from warkat.notify.services import notice_send
from warkat.org.selectors import holders_of, positions_by_id
from warkat.tenancy.clock import tenant_localdate
from warkat.tenancy.models import Tenant

REMIND_WORKING_DAYS = 1
#: States in which the addressee still owes the data.
OWING = (TargetState.PENDING, TargetState.RETURNED)
URL = "/dasbor/data/"


@dataclass
class FollowThrough:
    reminded: int = 0
    escalated: int = 0


def datarequest_deadlines_process(*, tenant: Tenant) -> FollowThrough:
    today = tenant_localdate(tenant)
    horizon = working_day_deadline(start=today, days=REMIND_WORKING_DAYS)
    owing = DataRequestTarget.objects.filter(state__in=OWING)
    run = FollowThrough()
    for pk in owing.filter(
        reminded_at__isnull=True,
        request__deadline__gte=today,
        request__deadline__lte=horizon,
    ).values_list("pk", flat=True):
        run.reminded += _remind(tenant, pk, today)
    for pk in owing.filter(
        escalated_at__isnull=True, request__deadline__lt=today
    ).values_list("pk", flat=True):
        run.escalated += _escalate(tenant, pk, today)
    return run


def _claim(pk: int, field: str) -> DataRequestTarget | None:
    """Mark ``field`` now unless already set or the data arrived meanwhile."""
    done = DataRequestTarget.objects.filter(
        pk=pk, state__in=OWING, **{f"{field}__isnull": True}
    ).update(**{field: timezone.now()})
    if not done:
        return None
    return DataRequestTarget.objects.select_related("request").get(pk=pk)


@transaction.atomic
def _remind(tenant: Tenant, pk: int, today: dt.date) -> int:
    target = _claim(pk, "reminded_at")
    if target is None:
        return 0
    request = target.request
    audit_record(
        tenant=tenant,
        actor=None,
        action="datarequest.remind",
        obj=target,
        data={"position": target.position_id, "deadline": request.deadline},
    )
    notice_send(
        tenant_id=tenant.pk,
        person_ids=holders_of(position_ids={target.position_id}, on=today),
        kind="datarequest.reminder",
        title=_("Data due %(date)s: %(title)s")
        % {"date": f"{request.deadline:%d-%m-%Y}", "title": request.title},
        url=URL,
    )
    return 1


@transaction.atomic
def _escalate(tenant: Tenant, pk: int, today: dt.date) -> int:
    target = _claim(pk, "escalated_at")
    if target is None:
        return 0
    request = target.request
    position = positions_by_id(ids={target.position_id})[target.position_id]
    to = position.superior_id or request.requester_position_id
    audit_record(
        tenant=tenant,
        actor=None,
        action="datarequest.escalate",
        obj=target,
        data={"to_position": to, "deadline": request.deadline},
    )
    people = holders_of(position_ids={to}, on=today)
    if request.requester.person_id:
        people.add(request.requester.person_id)
    notice_send(
        tenant_id=tenant.pk,
        person_ids=people,
        kind="datarequest.escalated",
        title=_("Data overdue since %(date)s: %(title)s (%(position)s)")
        % {
            "date": f"{request.deadline:%d-%m-%Y}",
            "title": request.title,
            "position": position.name,
        },
        url=URL,
    )
    return 1
