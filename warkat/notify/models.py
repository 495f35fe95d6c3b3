"""In-app notifications and web-push subscriptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class Notification(TenantOwned):
    """A message for one person in the app. Its text never carries the subject of
    a secret letter unless the person may see that letter."""

    person = models.ForeignKey(
        "org.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    letter_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        indexes = [
            models.Index(
                fields=["tenant", "person", "-created_at"], name="notification_list"
            ),
            models.Index(
                fields=["person"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PushSubscription(TenantOwned):
    """A browser's Web Push subscription (endpoint and keys from PushManager)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")

    def __str__(self) -> str:
        return self.endpoint[:60]
