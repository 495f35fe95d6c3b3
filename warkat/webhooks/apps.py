from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "warkat.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from warkat.audit.models import AuditEvent
        from warkat.webhooks.capture import audit_event_saved

        post_save.connect(
            audit_event_saved, sender=AuditEvent, dispatch_uid="webhooks_capture"
        )
