"""Delivering an endpoint's due webhooks (the work behind ``tasks.deliver_endpoint``).

A drain claims a batch of due deliveries at a time (``SELECT … FOR UPDATE SKIP
LOCKED`` in a short transaction that moves their ``next_attempt_at`` past the time
the batch may take: a lease, no row lock held while sending), so two workers never
send the same delivery at once, and one that dies mid-way leaves them due again when
the lease ends. The batch's payloads are built from current data (``payloads``, one
query per kind of object), the address is vetted again (the DNS answer may have
changed since the subscription was saved), and the requests go out
``WARKAT_WEBHOOK_CONCURRENCY`` at a time from threads sharing kept-alive connections
to that address, each signed with a fresh timestamp and the message's
``webhook-id``; the batch's attempts are then recorded in one transaction. Messages
of one endpoint may therefore arrive out of order (as with any retry): receivers
order them by the payload's timestamp and de-duplicate them by ``webhook-id``.

A receiver that is down costs one short connection attempt
(``WARKAT_WEBHOOK_CONNECT_TIMEOUT``) and no more of the batch: each endpoint has its
own drain task, so the others are not held up.

Retries: a failed delivery waits ``RETRY_SECONDS[n]`` after its n-th attempt (5 s up
to 20 h, about three days in all), then it is failed. The endpoint itself backs off
on the same schedule after consecutive failures, so a receiver that is down is
probed with one delivery at a time rather than sent its backlog; its first success
makes the whole backlog due again. A 410 answer disables the endpoint at once; an
endpoint whose every attempt failed for ``DISABLE_AFTER`` is disabled too, and the
tenant administrators are told.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from warkat.accounts.models import Role
from warkat.accounts.selectors import role_person_ids
from warkat.audit.services import audit_record
from warkat.core.errors import DomainError
from warkat.notify.services import notice_send
from warkat.webhooks import payloads, signature, transport
from warkat.webhooks.keys import endpoint_secrets
from warkat.webhooks.models import (
    Attempt,
    Delivery,
    DeliveryState,
    Endpoint,
    WebhookSettings,
)
from warkat.webhooks.ssrf import Target, vet

#: Deliveries claimed at a time (their attempts are recorded in one transaction).
BATCH = 100


def retry_seconds() -> list[int]:
    return list(settings.WARKAT_WEBHOOK_RETRY_SECONDS)


def timeout() -> float:
    return float(settings.WARKAT_WEBHOOK_TIMEOUT)


def connect_timeout() -> float:
    return float(settings.WARKAT_WEBHOOK_CONNECT_TIMEOUT)


def concurrency() -> int:
    return max(1, int(settings.WARKAT_WEBHOOK_CONCURRENCY))


@dataclass
class DrainResult:
    delivered: int = 0
    failed_attempts: int = 0
    next_due: dt.datetime | None = None


def internal_hosts(tenant_id: int) -> list[str]:
    row = WebhookSettings.objects.filter(tenant_id=tenant_id).first()
    return list(row.internal_hosts) if row else []


def _claim(endpoint: Endpoint, limit: int = BATCH) -> list[Delivery]:
    """Lease up to ``limit`` due deliveries: their rows are locked (skipping rows
    another drain is claiming) only in this short transaction, which moves their
    ``next_attempt_at`` past the time a batch may take."""
    now = timezone.now()
    token = uuid.uuid4()
    lease = dt.timedelta(seconds=timeout() * limit + 30)
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(
                endpoint_id=endpoint.pk,
                state=DeliveryState.PENDING,
                next_attempt_at__lte=now,
            )
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            claim=token, next_attempt_at=now + lease
        )
    return list(
        Delivery.objects.filter(claim=token).select_related("message").order_by("pk")
    )


def _release(deliveries: list[Delivery], at: dt.datetime) -> None:
    Delivery.objects.filter(
        pk__in=[d.pk for d in deliveries], state=DeliveryState.PENDING
    ).update(claim=None, next_attempt_at=at)


def _flag(endpoint: Endpoint, queued: bool) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(drain_queued=queued)


class _Sender:
    """The threads and kept-alive connections of one drain. Only the network work
    runs in the threads; the database is read and written by the drain itself."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = secrets
        self.pool: transport.Pool | None = None
        self.threads = ThreadPoolExecutor(max_workers=concurrency())

    def close(self) -> None:
        self.threads.shutdown(wait=True)
        if self.pool is not None:
            self.pool.close()

    def _pool(self, target: Target) -> transport.Pool:
        if self.pool is None or self.pool.target != target:
            if self.pool is not None:
                self.pool.close()
            self.pool = transport.Pool(
                target, timeout=timeout(), connect_timeout=connect_timeout()
            )
        return self.pool

    def send(
        self,
        batch: list[Delivery],
        target: Target | str,
        bodies: dict[int, bytes | Exception],
    ) -> list[tuple[Delivery, Outcome]]:
        """Send the batch ``concurrency()`` at a time; after the first failure the
        deliveries not yet started are left unsent (the endpoint backs off)."""
        pool = None if isinstance(target, str) else self._pool(target)
        failed = threading.Event()

        def one(delivery: Delivery) -> Outcome | None:
            if failed.is_set():
                return None
            outcome = delivery_send(
                delivery=delivery,
                pool=pool,
                refused=target if isinstance(target, str) else "",
                body=bodies[delivery.message_id],
                secrets=self.secrets,
            )
            if not outcome.ok:
                failed.set()
            return outcome

        results = list(self.threads.map(one, batch))
        return [(d, o) for d, o in zip(batch, results, strict=True) if o is not None]


def endpoint_drain(*, endpoint_id: int) -> DrainResult:
    """Send what is due for the endpoint (inside its tenant's scope), a batch at a
    time and several requests at once, until nothing is due or the endpoint backs
    off. An endpoint that failed last time is probed with one delivery first.

    ``drain_queued`` stays set while the drain runs, so a burst of new events adds
    no task; it is cleared when nothing is left (then one more look catches what
    arrived meanwhile), and left set when the endpoint backs off: the follow-up
    run scheduled for the retry (``tasks``) will see the new deliveries."""
    result = DrainResult()
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        return result
    internal = internal_hosts(endpoint.tenant_id)
    sender = _Sender(endpoint_secrets(endpoint))
    cleared = False
    try:
        while endpoint.is_active and not _backing_off(endpoint):
            batch = _claim(endpoint, 1 if endpoint.failures else BATCH)
            if not batch:
                if cleared:
                    break
                _flag(endpoint, False)
                cleared = True
                continue
            # Vetted again for every batch: the DNS answer may have changed since
            # the subscription was saved; the batch connects to the address vetted
            # here (a changed address gets new connections).
            target = _target(endpoint, internal)
            bodies = payloads.bodies(
                endpoint=endpoint, messages=[d.message for d in batch]
            )
            outcomes = sender.send(batch, target, bodies)
            sent = {d.pk for d, _o in outcomes}
            with transaction.atomic():
                outcomes_record(endpoint=endpoint, outcomes=outcomes)
                _release(
                    [d for d in batch if d.pk not in sent],
                    endpoint.retry_at or timezone.now(),
                )
            result.delivered += sum(1 for _d, o in outcomes if o.ok)
            result.failed_attempts += sum(1 for _d, o in outcomes if not o.ok)
    finally:
        sender.close()
    if endpoint.is_active and _backing_off(endpoint):
        _flag(endpoint, True)
    elif not cleared:
        _flag(endpoint, False)
    result.next_due = next_due(endpoint)
    return result


def _backing_off(endpoint: Endpoint) -> bool:
    return endpoint.retry_at is not None and endpoint.retry_at > timezone.now()


def next_due(endpoint: Endpoint) -> dt.datetime | None:
    """When the endpoint has something to send next (None: nothing pending)."""
    if not endpoint.is_active:
        return None
    first = Delivery.objects.filter(
        endpoint_id=endpoint.pk, state=DeliveryState.PENDING
    ).aggregate(at=Min("next_attempt_at"))["at"]
    if first is None:
        return None
    return max(first, endpoint.retry_at) if endpoint.retry_at else first


@dataclass(frozen=True)
class Outcome:
    at: dt.datetime
    status: int | None
    error: str
    excerpt: str
    took_ms: int

    @property
    def ok(self) -> bool:
        return not self.error


def _target(endpoint: Endpoint, internal: list[str]) -> Target | str:
    """The vetted address, or why the URL is refused."""
    try:
        return vet(endpoint.url, internal=internal)
    except DomainError as exc:
        return exc.text("en")


def delivery_send(
    *,
    delivery: Delivery,
    pool: transport.Pool | None,
    refused: str,
    body: bytes | Exception,
    secrets: list[str],
) -> Outcome:
    """One attempt over the network (no database access: it runs in a sending
    thread), signed with a fresh timestamp and the message's ``webhook-id``.
    ``refused`` is why the address was refused (then ``pool`` is None); ``body``
    the error when the payload could not be built."""
    started = time.monotonic()
    status: int | None = None
    excerpt = error = ""
    if pool is None:
        error = refused
    elif isinstance(body, Exception):
        # A message whose object id cannot be read: failed like any attempt, so it
        # is retried and finally failed instead of stopping the endpoint's drain.
        error = f"payload: {type(body).__name__}"
    else:
        headers = signature.headers(
            secrets_=secrets,
            msg_id=delivery.message.msg_id,
            timestamp=int(time.time()),
            body=body,
        )
        try:
            answer = pool.post(body=body, headers=headers)
            status, excerpt = answer.status, answer.excerpt
        except transport.TransportError as exc:
            error = str(exc)
    if status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
    return Outcome(
        at=timezone.now(),
        status=status,
        error=error[:300],
        excerpt=excerpt[:500],
        took_ms=int((time.monotonic() - started) * 1000),
    )


def outcomes_record(
    *, endpoint: Endpoint, outcomes: list[tuple[Delivery, Outcome]]
) -> None:
    """The attempts of a batch, their deliveries' new state and the endpoint's, in
    the caller's transaction (a few statements per batch, not one per delivery)."""
    if not outcomes:
        return
    schedule = retry_seconds()
    Attempt.objects.bulk_create(
        Attempt(
            tenant_id=delivery.tenant_id,
            delivery=delivery,
            at=o.at,
            status=o.status,
            error=o.error,
            duration_ms=o.took_ms,
            response_excerpt=o.excerpt,
        )
        for delivery, o in outcomes
    )
    # The delivered ones in one statement per answer status (usually one).
    by_status: dict[int | None, list[tuple[Delivery, Outcome]]] = {}
    for delivery, o in outcomes:
        if o.ok:
            by_status.setdefault(o.status, []).append((delivery, o))
    for status, rows in by_status.items():
        Delivery.objects.filter(pk__in=[d.pk for d, _o in rows]).update(
            attempts=F("attempts") + 1,
            last_status=status,
            last_error="",
            claim=None,
            state=DeliveryState.DELIVERED,
            delivered_at=max(o.at for _d, o in rows),
            next_attempt_at=None,
        )
    retried = []
    for delivery, o in outcomes:
        if o.ok:
            continue
        delivery.attempts += 1
        delivery.last_status = o.status
        delivery.last_error = o.error
        delivery.claim = None
        if o.status == 410 or delivery.attempts > len(schedule):
            delivery.state = DeliveryState.FAILED
            delivery.next_attempt_at = None
        else:
            wait = schedule[delivery.attempts - 1]
            delivery.next_attempt_at = o.at + dt.timedelta(seconds=wait)
        retried.append(delivery)
    Delivery.objects.bulk_update(
        retried,
        ["attempts", "last_status", "last_error", "claim", "state", "next_attempt_at"],
    )
    failed = [o for _d, o in outcomes if not o.ok]
    last = max(o.at for _d, o in outcomes)
    if not failed:
        _endpoint_succeeded(endpoint, last)
    else:
        _endpoint_failed(endpoint, last, gone=any(o.status == 410 for o in failed))


def _endpoint_succeeded(endpoint: Endpoint, now: dt.datetime) -> None:
    if not endpoint.failures and endpoint.failing_since is None:
        return
    endpoint.failures = 0
    endpoint.failing_since = None
    endpoint.retry_at = None
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failures=0, failing_since=None, retry_at=None
    )
    # Back again: the backlog waiting on its own backoff is due now.
    Delivery.objects.filter(
        endpoint_id=endpoint.pk, state=DeliveryState.PENDING, next_attempt_at__gt=now
    ).filter(claim__isnull=True).update(next_attempt_at=now)


def _endpoint_failed(endpoint: Endpoint, now: dt.datetime, *, gone: bool) -> None:
    schedule = retry_seconds()
    endpoint.failures += 1
    endpoint.failing_since = endpoint.failing_since or now
    step = schedule[min(endpoint.failures, len(schedule)) - 1] if schedule else 0
    endpoint.retry_at = now + dt.timedelta(seconds=step)
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failures=endpoint.failures,
        failing_since=endpoint.failing_since,
        retry_at=endpoint.retry_at,
    )
    limit = dt.timedelta(seconds=settings.WARKAT_WEBHOOK_DISABLE_AFTER)
    if gone:
        endpoint_disable_automatically(endpoint=endpoint, reason="gone")
    elif now - endpoint.failing_since >= limit:
        endpoint_disable_automatically(endpoint=endpoint, reason="failing")


def endpoint_disable_automatically(*, endpoint: Endpoint, reason: str) -> None:
    """Disable after a 410 or persistent failure; tell the tenant administrators."""
    now = timezone.now()
    endpoint.is_active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = reason
    Endpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_at=now, disabled_reason=reason
    )
    audit_record(
        tenant=endpoint.tenant,
        actor=None,
        action="webhook.auto_disable",
        obj=endpoint,
        data={"reason": reason},
    )
    with translation.override("id"):
        title = _("Webhook disabled: %(name)s") % {"name": endpoint.name}
        body = (
            _("The receiver answered 410 Gone.")
            if reason == "gone"
            else _("Every delivery failed for three days.")
        )
    notice_send(
        tenant_id=endpoint.tenant_id,
        person_ids=role_person_ids(
            tenant_id=endpoint.tenant_id, role=Role.TENANT_ADMIN
        ),
        kind="webhook.disabled",
        title=title,
        body=str(body),
        url=reverse("webhooks:detail", args=[endpoint.pk]),
    )


def due_endpoints(*, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(tenant id, endpoint id) of active endpoints with deliveries due (sweep)."""
    now = now or timezone.now()
    rows = (
        Delivery.objects.filter(
            state=DeliveryState.PENDING,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
        )
        .filter(Q(endpoint__retry_at__isnull=True) | Q(endpoint__retry_at__lte=now))
        .values_list("tenant_id", "endpoint_id")
        .distinct()
    )
    return sorted(set(rows))
