"""Every write of the webhooks app: subscriptions, secret rotation, replay, and the
tenant's internal host list. Only the tenant administrator manages webhooks."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from warkat.accounts.models import Role
from warkat.audit.services import audit_record
from warkat.tenancy.models import Tenant
from warkat.webhooks import errors
from warkat.webhooks.capture import drain_request
from warkat.webhooks.keys import endpoint_secret, secret_seal
from warkat.webhooks.models import (
    Delivery,
    DeliveryState,
    Endpoint,
    EventType,
    Scope,
    WebhookSettings,
)
from warkat.webhooks.sender import internal_hosts
from warkat.webhooks.signature import secret_new
from warkat.webhooks.ssrf import vet

#: The longest grace period of a rotated secret.
MAX_GRACE_HOURS = 168
_HOST = re.compile(
    r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _require_admin(actor: Any) -> None:
    if not (actor.is_authenticated and actor.has_role(Role.TENANT_ADMIN)):
        raise errors.forbidden()


def _clean(
    *, tenant: Tenant, name: str, url: str, event_types: list[str], scopes: list[str]
) -> tuple[str, str, list[str], list[str]]:
    name = name.strip()
    if not name or len(name) > 100:
        raise errors.name_required()
    url = url.strip()
    if len(url) > 500:
        raise errors.url_invalid()
    events = sorted(set(event_types))
    if not events or not set(events) <= set(EventType.values):
        raise errors.events_invalid()
    wanted = sorted(set(scopes))
    if not set(wanted) <= set(Scope.values):
        raise errors.scopes_invalid()
    # Refused before anything is saved or any connection made (the name is resolved).
    vet(url, internal=internal_hosts(tenant.pk))
    return name, url, events, wanted


@transaction.atomic
def endpoint_create(
    *,
    actor: Any,
    name: str,
    url: str,
    event_types: list[str],
    scopes: list[str],
) -> tuple[Endpoint, str]:
    """A new subscription and its secret (shown once to the administrator)."""
    _require_admin(actor)
    tenant = actor.tenant
    name, url, events, wanted = _clean(
        tenant=tenant, name=name, url=url, event_types=event_types, scopes=scopes
    )
    endpoint = Endpoint(
        tenant=tenant,
        name=name,
        url=url,
        event_types=events,
        scopes=wanted,
        created_by=actor,
    )
    secret = secret_new()
    endpoint.secret_sealed = secret_seal(endpoint, secret)
    endpoint.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="webhook.create",
        obj=endpoint,
        data={"url": url, "events": events, "scopes": wanted},
    )
    return endpoint, secret


def _locked(endpoint_id: int) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise errors.endpoint_not_found()
    return endpoint


@transaction.atomic
def endpoint_update(
    *,
    actor: Any,
    endpoint_id: int,
    name: str,
    url: str,
    event_types: list[str],
    scopes: list[str],
) -> Endpoint:
    _require_admin(actor)
    endpoint = _locked(endpoint_id)
    name, url, events, wanted = _clean(
        tenant=actor.tenant, name=name, url=url, event_types=event_types, scopes=scopes
    )
    endpoint.name, endpoint.url = name, url
    endpoint.event_types, endpoint.scopes = events, wanted
    endpoint.save()
    audit_record(
        tenant=actor.tenant,
        actor=actor,
        action="webhook.update",
        obj=endpoint,
        data={"url": url, "events": events, "scopes": wanted},
    )
    return endpoint


@transaction.atomic
def endpoint_set_active(*, actor: Any, endpoint_id: int, active: bool) -> Endpoint:
    """Disable at once, or enable again (failures forgotten, backlog due)."""
    _require_admin(actor)
    endpoint = _locked(endpoint_id)
    if endpoint.is_active == active:
        return endpoint
    endpoint.is_active = active
    if active:
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
        endpoint.failures = 0
        endpoint.failing_since = None
        endpoint.retry_at = None
        endpoint.drain_queued = False
    else:
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = "admin"
    endpoint.save()
    audit_record(
        tenant=actor.tenant,
        actor=actor,
        action="webhook.enable" if active else "webhook.disable",
        obj=endpoint,
    )
    if active:
        # Enabled again by a person: what waited is tried now, not after its backoff.
        Delivery.objects.filter(endpoint=endpoint, state=DeliveryState.PENDING).update(
            next_attempt_at=timezone.now(), claim=None
        )
        drain_request(tenant_id=endpoint.tenant_id, endpoint_id=endpoint.pk)
    return endpoint


@transaction.atomic
def endpoint_secret_rotate(
    *, actor: Any, endpoint_id: int, grace_hours: int
) -> tuple[Endpoint, str]:
    """A new secret; the old one keeps signing (beside it) for ``grace_hours``."""
    _require_admin(actor)
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise errors.grace_invalid()
    endpoint = _locked(endpoint_id)
    old = endpoint_secret(endpoint)
    secret = secret_new()
    endpoint.previous_sealed = secret_seal(endpoint, old) if grace_hours else ""
    endpoint.previous_until = (
        timezone.now() + dt.timedelta(hours=grace_hours) if grace_hours else None
    )
    endpoint.secret_sealed = secret_seal(endpoint, secret)
    endpoint.save()
    audit_record(
        tenant=actor.tenant,
        actor=actor,
        action="webhook.rotate",
        obj=endpoint,
        data={"grace_hours": grace_hours},
    )
    return endpoint, secret


@transaction.atomic
def delivery_replay(*, actor: Any, delivery_id: int) -> Delivery:
    """Send a delivery again (same ``webhook-id``, fresh timestamp) at once."""
    _require_admin(actor)
    delivery = (
        Delivery.objects.select_for_update()
        .select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise errors.delivery_not_found()
    if not delivery.endpoint.is_active:
        raise errors.endpoint_disabled()
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.claim = None
    # One more attempt than spent so far: a replay of a failed delivery gets one try.
    delivery.attempts = min(
        delivery.attempts, len(settings.WARKAT_WEBHOOK_RETRY_SECONDS)
    )
    delivery.save()
    audit_record(
        tenant=actor.tenant,
        actor=actor,
        action="webhook.replay",
        obj=delivery.endpoint,
        data={"delivery": delivery.pk, "message": delivery.message_id},
    )
    # A manual probe: the endpoint's own backoff does not hold it back.
    Endpoint.objects.filter(pk=delivery.endpoint_id).update(retry_at=None)
    drain_request(
        tenant_id=delivery.tenant_id, endpoint_id=delivery.endpoint_id, now=True
    )
    return delivery


def _host_entry(entry: str) -> str:
    entry = entry.strip().lower()
    try:
        return str(ipaddress.ip_network(entry, strict=False))
    except ValueError:
        pass
    if not _HOST.match(entry) or len(entry) > 253:
        raise errors.internal_hosts_invalid(entry)
    return entry


@transaction.atomic
def webhook_settings_set(*, actor: Any, internal_hosts: list[str]) -> WebhookSettings:
    """The hosts (names, IPs, networks) inside the tenant's network that its
    subscriptions may reach."""
    _require_admin(actor)
    cleaned = sorted({_host_entry(e) for e in internal_hosts if e.strip()})
    row, _created = WebhookSettings.objects.get_or_create(tenant=actor.tenant)
    row.internal_hosts = cleaned
    row.save()
    audit_record(
        tenant=actor.tenant,
        actor=actor,
        action="webhook.settings",
        obj=None,
        data={"internal_hosts": cleaned},
    )
    return row
