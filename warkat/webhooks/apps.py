from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "warkat.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from warkat.accounts.models import Role
        from warkat.audit.models import AuditEvent
        from warkat.core.home import HomeLink, home_link_register
        from warkat.webhooks.capture import audit_event_saved

        # Every audited change passes here, inside its own transaction (capture.py).
        post_save.connect(
            audit_event_saved, sender=AuditEvent, dispatch_uid="webhooks_capture"
        )
        home_link_register(
            HomeLink(
                key="webhooks.list",
                label=_("Webhooks"),
                url_name="webhooks:list",
                roles=frozenset({Role.TENANT_ADMIN}),
                order=90,
            )
        )
