from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "warkat.audit"
    label = "audit"

    def ready(self) -> None:
        # Signing and numbering counts for the metrics come from their audit events.
        from django.db.models.signals import post_save

        from warkat.audit.models import AuditEvent
        from warkat.core.metrics import on_audit_event_saved

        post_save.connect(
            on_audit_event_saved, sender=AuditEvent, dispatch_uid="warkat.metrics.audit"
        )
