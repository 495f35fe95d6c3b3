"""API scopes: what a bearer token may reach, declared on every route.

Each route names the one scope it needs in its decorator: ``auth=scope("letters:read")``
(or ``auth=PUBLIC`` for the few routes anyone may call). A route that declares
nothing falls back to the API's default auth, which admits sessions but refuses every
token: forgetting a scope fails closed, and ``warkat/api/tests/test_scopes.py`` lists it.

Scopes narrow what a token may reach; they never widen it. Inside a route the usual
role checks, tenant scoping and Rahasia secrecy still decide. Session users (the
browser) are not limited by scopes: their roles decide, as before.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: Every scope a token can carry, with what it allows (shown on the admin pages).
SCOPES: dict[str, object] = {
    "profile:read": _("Read the token owner's own account"),
    "profile:write": _("Revoke the token itself"),
    "users:read": _("Read user accounts"),
    "users:write": _("Manage user accounts"),
    "audit:read": _("Read the audit log"),
    "org:read": _(
        "Read units, positions, people and assignments (and their change feed)"
    ),
    "org:write": _("Change units, positions, people and assignments"),
    "letters:read": _("Read letters, files and the agenda book"),
    "letters:write": _("Register, edit and draft letters"),
    "letters:sign": _("Approve and sign letters, allocate numbers"),
    "dispositions:read": _("Read dispositions and their settings"),
    "dispositions:write": _("Create and act on dispositions"),
    "notifications:read": _("Read notifications"),
    "notifications:write": _("Mark notifications read, subscribe to push"),
    "signing:read": _("Read signing certificates"),
    "signing:write": _("Request, issue, renew and revoke signing certificates"),
    "dashboard:read": _("Read the command centre figures"),
    "dashboard:write": _("Write assessments and data-request answers"),
    "attendance:read": _("Read attendance, recaps and settings"),
    "attendance:write": _("Check in, submit and decide attendance requests"),
    "archive:read": _("Read disposal and transfer lists of the archive"),
    "webhooks:read": _("Read webhook subscriptions and their deliveries"),
    "webhooks:write": _("Create webhook subscriptions and replay deliveries"),
}

#: For routes anyone may call without signing in (read as ``auth=PUBLIC``).
PUBLIC = None


def scope_label(name: str) -> str:
    return str(SCOPES.get(name, name))
