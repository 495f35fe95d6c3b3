"""Reads of the webhooks app, for the tenant administrator only."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from warkat.accounts.models import Role
from warkat.webhooks import errors
from warkat.webhooks.models import Delivery, DeliveryState, Endpoint, WebhookSettings


def may_manage(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.TENANT_ADMIN))


def _require(user: Any) -> None:
    if not may_manage(user):
        raise errors.forbidden()


def endpoints_list(*, user: Any) -> QuerySet[Endpoint]:
    _require(user)
    return Endpoint.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
    ).order_by("name", "pk")


def endpoint_get(*, user: Any, endpoint_id: int) -> Endpoint:
    _require(user)
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise errors.endpoint_not_found()
    return endpoint


def deliveries_of(
    *, user: Any, endpoint: Endpoint, state: str = ""
) -> QuerySet[Delivery]:
    _require(user)
    qs = Delivery.objects.filter(endpoint=endpoint).select_related("message")
    if state in DeliveryState.values:
        qs = qs.filter(state=state)
    return qs.order_by("-pk")


def delivery_get(*, user: Any, delivery_id: int) -> Delivery:
    _require(user)
    delivery = (
        Delivery.objects.select_related("message", "endpoint")
        .prefetch_related("attempt_rows")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise errors.delivery_not_found()
    return delivery


def settings_get(*, user: Any) -> list[str]:
    _require(user)
    row = WebhookSettings.objects.first()
    return list(row.internal_hosts) if row else []
