"""Template filters naming stored codes for people."""

from __future__ import annotations

from django import template

from warkat.audit.labels import capacity_label as _capacity_label

register = template.Library()


@register.filter
def capacity_label(code: str) -> str:
    """``plh`` → ``Plh.``: the capacity an official acted in, as it is written."""
    return _capacity_label(code or "")
