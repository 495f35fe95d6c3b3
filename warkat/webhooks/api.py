# Ninja reads parameter annotations at import time: no postponed annotations here.
"""HTTP API of webhooks for the tenant administrator (a token needs ``webhooks:read``
or ``webhooks:write``): subscriptions, their deliveries with each attempt, replay. A
subscription's secret is in the answer to its creation only."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, PageNo, scope
from warkat.org.api import in_caller_tenant
from warkat.webhooks import selectors, services

router = Router(tags=["webhooks"])

PAGE_SIZE = 50


class EndpointIn(Schema):
    name: str
    url: str
    event_types: list[str]
    scopes: list[str] = []


class EndpointOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    scopes: list[str]
    is_active: bool
    disabled_reason: str
    failures: int
    created_at: dt.datetime


class EndpointCreatedOut(EndpointOut):
    secret: str


class AttemptOut(Schema):
    at: dt.datetime
    status: int | None
    error: str
    duration_ms: int


class DeliveryOut(Schema):
    id: int
    msg_id: str
    event_type: str
    occurred_at: dt.datetime
    state: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status: int | None
    last_error: str


class DeliveryDetailOut(DeliveryOut):
    attempt_log: list[AttemptOut]


def _delivery(d: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "msg_id": d.message.msg_id,
        "event_type": d.message.event_type,
        "occurred_at": d.message.occurred_at,
        "state": d.state,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at,
        "last_status": d.last_status,
        "last_error": d.last_error,
    }


@router.get(
    "/webhooks/endpoints",
    response={200: list[EndpointOut], **ERROR_RESPONSES},
    operation_id="webhooks_endpoint_list",
    auth=scope("webhooks:read"),
)
@in_caller_tenant
def endpoint_list_api(request: HttpRequest) -> Any:
    return list(selectors.endpoints_list(user=request.auth))  # type: ignore[attr-defined]


@router.post(
    "/webhooks/endpoints",
    response={201: EndpointCreatedOut, **ERROR_RESPONSES},
    operation_id="webhooks_endpoint_create",
    auth=scope("webhooks:write"),
)
@in_caller_tenant
def endpoint_create_api(request: HttpRequest, payload: EndpointIn) -> Any:
    endpoint, secret = services.endpoint_create(
        actor=request.auth,  # type: ignore[attr-defined]
        name=payload.name,
        url=payload.url,
        event_types=payload.event_types,
        scopes=payload.scopes,
    )
    out = EndpointOut.from_orm(endpoint).dict()
    return 201, {**out, "secret": secret}


@router.get(
    "/webhooks/endpoints/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], **ERROR_RESPONSES},
    operation_id="webhooks_delivery_list",
    auth=scope("webhooks:read"),
)
@in_caller_tenant
def delivery_list_api(
    request: HttpRequest, endpoint_id: Id, state: str = "", page: PageNo = 1
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    endpoint = selectors.endpoint_get(user=user, endpoint_id=endpoint_id)
    start = (page - 1) * PAGE_SIZE
    rows = selectors.deliveries_of(user=user, endpoint=endpoint, state=state)
    return [_delivery(d) for d in rows[start : start + PAGE_SIZE]]


@router.get(
    "/webhooks/deliveries/{delivery_id}",
    response={200: DeliveryDetailOut, **ERROR_RESPONSES},
    operation_id="webhooks_delivery_get",
    auth=scope("webhooks:read"),
)
@in_caller_tenant
def delivery_get_api(request: HttpRequest, delivery_id: Id) -> Any:
    d = selectors.delivery_get(user=request.auth, delivery_id=delivery_id)  # type: ignore[attr-defined]
    attempts = [
        {"at": a.at, "status": a.status, "error": a.error, "duration_ms": a.duration_ms}
        for a in d.attempt_rows.all().order_by("at")
    ]
    return {**_delivery(d), "attempt_log": attempts}


@router.post(
    "/webhooks/deliveries/{delivery_id}/replay",
    response={202: DeliveryOut, **ERROR_RESPONSES},
    operation_id="webhooks_delivery_replay",
    auth=scope("webhooks:write"),
)
@in_caller_tenant
def delivery_replay_api(request: HttpRequest, delivery_id: Id) -> Any:
    d = services.delivery_replay(actor=request.auth, delivery_id=delivery_id)  # type: ignore[attr-defined]
    return 202, _delivery(d)
