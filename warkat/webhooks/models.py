"""Outgoing webhooks: a tenant's subscriptions (endpoints), the messages captured from
its audit log (the outbox), one delivery per endpoint and message, and each attempt.

A message stores only what happened (type, object, time): its payload is built when
it is sent, from the data as it is then and with the endpoint's scopes, so a letter
made secret in the meantime is never sent in full (``payloads.py``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class EventType(models.TextChoices):
    LETTER_REGISTERED = "letter.registered", _("Letter registered")
    LETTER_SIGNED = "letter.signed", _("Letter signed")
    LETTER_DELIVERED = "letter.delivered", _("Letter delivered")
    DISPOSITION_CREATED = "disposition.created", _("Disposition created")
    DISPOSITION_READ = "disposition.read", _("Disposition read")
    DISPOSITION_FOLLOWED_UP = "disposition.followed_up", _("Disposition followed up")
    DISPOSITION_OVERDUE = "disposition.overdue", _("Disposition overdue")
    DRAFT_REVIEW_REQUESTED = "draft.review_requested", _("Draft needs review")
    ATTENDANCE_REQUEST = "attendance.request_changed", _("Attendance request changed")
    DATA_REQUEST = "datarequest.changed", _("Data request changed")


class Scope(models.TextChoices):
    """What an endpoint may read; without the scope a payload carries ids only.
    The names are the API's scopes (``warkat.api.scopes``): a subscription reads
    what a token with the same scopes reads (drafts are letters, as in the API)."""

    LETTERS_READ = "letters:read", _("Letters and drafts (subject, sender, number)")
    DISPOSITIONS_READ = "dispositions:read", _("Dispositions (instructions, notes)")
    ATTENDANCE_READ = "attendance:read", _("Attendance requests")
    DASHBOARD_READ = "dashboard:read", _("Data requests")


class Endpoint(TenantOwned):
    """A subscription: where to send which events, signed with which secret."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    event_types = models.JSONField(_("events"), default=list)
    scopes = models.JSONField(_("scopes"), default=list)
    # ``whsec_…``, sealed with the installation key (``core.secrets``).
    secret_sealed = models.TextField()
    # The secret before the last rotation, still signing until ``previous_until``.
    previous_sealed = models.TextField(blank=True)
    previous_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=40, blank=True)
    # Since when every attempt failed (cleared by a success): automatic disabling.
    failing_since = models.DateTimeField(null=True, blank=True)
    # Consecutive failed attempts, and when the endpoint is tried again: a down
    # receiver is probed with backoff instead of being sent its whole backlog.
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    # A drain task is queued: later events of the same transaction burst add none.
    drain_queued = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["tenant", "is_active"], name="wh_ep_active")]

    def __str__(self) -> str:
        return self.name


class Message(TenantOwned):
    """One event for the tenant's subscribers (the outbox), from one audit event."""

    msg_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    audit_event = models.ForeignKey(
        "audit.AuditEvent", on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # Which item of the audit event (a disposition of several sent at once).
    detail = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["audit_event", "event_type", "object_id"],
                name="wh_msg_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.msg_id} {self.event_type}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(TenantOwned):
    """One message to one endpoint; retried with backoff until it is delivered or
    its retries are spent. A worker claims a due delivery by moving
    ``next_attempt_at`` past the send timeout (a lease), without holding a lock."""

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="deliveries"
    )
    state = models.CharField(
        max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "message"], name="wh_delivery_once"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=DeliveryState.values),
                name="wh_delivery_state_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "state", "next_attempt_at"], name="wh_dl_due"
            ),
            models.Index(fields=["state", "next_attempt_at"], name="wh_dl_sweep"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.endpoint_id} ({self.state})"


class Attempt(TenantOwned):
    """One try to send a delivery: what the receiver answered, or why it failed."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_rows"
    )
    at = models.DateTimeField()
    status = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["delivery", "at"], name="wh_attempt_time")]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status or self.error}"


class WebhookSettings(TenantOwned):
    """A tenant's webhook rules: hosts (names, IPs, networks) inside its own network
    that subscriptions may reach although they are not public addresses."""

    internal_hosts = models.JSONField(_("internal hosts"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="wh_settings_unique")
        ]

    def __str__(self) -> str:
        return f"webhook settings {self.tenant_id}"
