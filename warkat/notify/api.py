# Ninja reads parameter annotations at import time: no postponed annotations here.
"""HTTP API of notifications: list, unread count, mark read, web-push subscription."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.notify import services
from warkat.notify.selectors import notifications_for, unread_count
from warkat.org.api import in_caller_tenant

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    letter_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class CountOut(Schema):
    unread: int


class SubscriptionIn(Schema):
    endpoint: str
    p256dh: str
    auth: str


class PushConfigOut(Schema):
    enabled: bool
    public_key: str


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERROR_RESPONSES},
    auth=scope("notifications:read"),
)
@in_caller_tenant
def list_api(request: HttpRequest, limit: int = 30) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return list(
        notifications_for(person_id=user.person_id, limit=max(1, min(limit, 100)))
    )


@router.get(
    "/notifications/unread-count",
    response={200: CountOut, **ERROR_RESPONSES},
    auth=scope("notifications:read"),
)
@in_caller_tenant
def count_api(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return CountOut(unread=unread_count(person_id=user.person_id))


@router.post(
    "/notifications/{notification_id}/read",
    response={200: CountOut, **ERROR_RESPONSES},
    auth=scope("notifications:write"),
)
@in_caller_tenant
def read_api(request: HttpRequest, notification_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.notification_mark_read(
        person_id=user.person_id, notification_id=notification_id
    )
    return CountOut(unread=unread_count(person_id=user.person_id))


@router.post(
    "/notifications/read-all",
    response={200: CountOut, **ERROR_RESPONSES},
    auth=scope("notifications:write"),
)
@in_caller_tenant
def read_all_api(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.notification_mark_read(person_id=user.person_id)
    return CountOut(unread=0)


@router.get(
    "/push/config",
    response={200: PushConfigOut, **ERROR_RESPONSES},
    auth=scope("notifications:read"),
)
@in_caller_tenant
def push_config_api(request: HttpRequest) -> Any:
    public = settings.WARKAT_VAPID_PUBLIC_KEY
    return PushConfigOut(enabled=bool(public), public_key=public)


@router.post(
    "/push/subscriptions",
    response={201: CountOut, **ERROR_RESPONSES},
    auth=scope("notifications:write"),
)
@in_caller_tenant
def subscribe_api(request: HttpRequest, payload: SubscriptionIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.push_subscribe(
        user=user, endpoint=payload.endpoint, p256dh=payload.p256dh, auth=payload.auth
    )
    return 201, CountOut(unread=unread_count(person_id=user.person_id))
