"""Which admin links the top navigation shows the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template

from warkat.accounts.permissions import AUDITORS, USER_ADMINS, has_role

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_admin_links(context: Any) -> dict[str, bool]:
    # The role sets the pages themselves check: a link the user cannot open is not shown.
    user = context.get("user")
    return {
        "users": has_role(user=user, roles=USER_ADMINS),
        "audit": has_role(user=user, roles=AUDITORS),
    }
