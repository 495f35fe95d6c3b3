"""Web Push (VAPID) through pywebpush. Sends only when a key pair is configured.

``WARKAT_VAPID_PRIVATE_KEY`` (PEM or base64url) and ``WARKAT_VAPID_SUBJECT``
(``mailto:`` address) enable it; the public key is served to the browser's service
worker registration. A subscription the push service reports as gone (404/410) is
marked failed and not used again.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone

from warkat.notify.models import PushSubscription

log = logging.getLogger(__name__)


def push_enabled() -> bool:
    return bool(settings.WARKAT_VAPID_PRIVATE_KEY)


def push_send(*, subscription: PushSubscription, payload: dict[str, Any]) -> bool:
    if not push_enabled():
        return False
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload),
            vapid_private_key=settings.WARKAT_VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.WARKAT_VAPID_SUBJECT},
            timeout=10,
        )
        return True
    except WebPushException as exc:
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if status in (404, 410):
            PushSubscription.objects.filter(pk=subscription.pk).update(
                failed_at=timezone.now()
            )
        log.warning("web push failed: %s", exc)
        return False
    except Exception:
        log.exception("web push failed")
        return False
