from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _inbox_panel(request: Any) -> dict[str, Any] | None:
    """The inbox counters on the home page (None hides the panel)."""
    from warkat.letters.access import held_positions
    from warkat.letters.inbox import counter_labels, inbox_counters

    if not held_positions(request.user):
        return None
    return {"counters": counter_labels(inbox_counters(user=request.user))}


class LettersConfig(AppConfig):
    name = "warkat.letters"
    label = "letters"

    def ready(self) -> None:
        from warkat.accounts.models import Role
        from warkat.core.home import (
            HomeLink,
            HomePanel,
            home_link_register,
            home_panel_register,
        )

        home_panel_register(
            HomePanel(
                key="letters.inbox",
                template="letters/_home_panel.html",
                context=_inbox_panel,
                order=10,
            )
        )
        home_link_register(
            HomeLink(
                key="letters.inbox",
                label=_("Inbox"),
                url_name="letters:inbox",
                order=10,
            )
        )
        home_link_register(
            HomeLink(
                key="letters.register",
                label=_("Register letter"),
                url_name="letters:register",
                roles=frozenset({Role.TU, Role.TENANT_ADMIN}),
                order=11,
            )
        )
        home_link_register(
            HomeLink(
                key="letters.registry",
                label=_("Agenda book"),
                url_name="letters:registry",
                roles=frozenset({Role.TU, Role.TENANT_ADMIN}),
                order=12,
            )
        )
        home_link_register(
            HomeLink(
                key="notify.list",
                label=_("Notifications"),
                url_name="notify:list",
                order=15,
            )
        )
