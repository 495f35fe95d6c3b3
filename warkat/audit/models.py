"""The append-only, hash-chained audit log: one chain per tenant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class AuditEvent(TenantOwned):
    """One state change. ``hash = sha256(prev_hash + canonical JSON of the event)``.

    Never updated or deleted: ``audit_verify`` reports the first event whose hash or
    sequence does not follow from its predecessor.
    """

    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too, so the chain stays verifiable if a user is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    # The capacity the actor acted in: "", "Plt.", "Plh.", "a.n.", "u.b." …
    capacity = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Set only by a tenant import (``warkat.backup``): the ids the event was hashed
    # with in its source installation ("tenant", "actor", "object_id"), where the
    # import gave the rows new ids. The hash covers these, so the chain still
    # verifies from its first event after the move.
    origin = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "seq"], name="audit_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["tenant", "occurred_at"], name="audit_tenant_time"),
            models.Index(
                fields=["tenant", "object_type", "object_id"],
                name="audit_tenant_object",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    # Names for people; the stored codes stay as they are (they are hashed).
    @property
    def action_label(self) -> str:
        from warkat.audit.labels import action_label

        return action_label(self.action)

    @property
    def capacity_label(self) -> str:
        from warkat.audit.labels import capacity_label

        return capacity_label(self.capacity)

    @property
    def object_type_label(self) -> str:
        from warkat.audit.labels import object_type_label

        return object_type_label(self.object_type)


class AuditChainHead(TenantOwned):
    """The last sequence number and hash of a tenant's chain; locked to append."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="audit_head_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.seq}"
