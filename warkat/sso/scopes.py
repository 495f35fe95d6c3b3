"""The scopes an SKPD app may ask for, and which of them a client is allowed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

#: Scope → what the consent page tells the person.
SCOPES = {
    "openid": _("Confirm who you are (your Warkat account)"),
    "profile": _("Your name, e-mail address and regional government"),
    "email": _("Your e-mail address"),
    "nip": _("Your civil servant number (NIP)"),
    "positions": _(
        "The positions you hold today (definitive, Plt, Plh) and their units"
    ),
}
DEFAULT_CLIENT_SCOPES = ("openid", "profile", "nip", "positions")


class WarkatScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, Any]:
        return SCOPES

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return list(SCOPES)
        return [s for s in application.allowed_scopes.split() if s in SCOPES]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return ["openid"]
