"""Template helpers of the attendance pages."""

from __future__ import annotations

from typing import Any

from django import template

from warkat.attendance.access import is_personnel_office

register = template.Library()


@register.filter
def personnel_office(user: Any) -> bool:
    """Whether the signed-in user works in the personnel office (the tabs show
    its pages only to it)."""
    return bool(getattr(user, "is_authenticated", False)) and is_personnel_office(user)
