"""Template helpers of the attendance pages."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from warkat.attendance.access import is_personnel_office

register = template.Library()


@register.filter
def personnel_office(user: Any) -> bool:
    """Whether the signed-in user works in the personnel office (the tabs show
    its pages only to it)."""
    return bool(getattr(user, "is_authenticated", False)) and is_personnel_office(user)


@register.simple_tag
def board_rows(rows: list[Any]) -> SafeString:
    """The board's "who is not here, and why" list items (``BoardRow``s), written
    here rather than in a template loop: a unit of 5,000 people has thousands of
    rows, and the template engine's per-row lookups and translation blocks cost
    most of the page's CPU. Every value is escaped."""
    if not rows:
        return format_html('<li class="empty">{}</li>', _("Everyone is here."))
    late_text = _("%(minutes)s min late")
    # The standard library's escape (what Django's calls, without its lazy-string
    # check and safe-string wrapping per value), each distinct value once: units,
    # positions and statuses repeat across thousands of rows.
    escaped: dict[str, str] = {}

    def esc(value: str) -> str:
        out = escaped.get(value)
        if out is None:
            out = escaped[value] = html.escape(value)
        return out

    whats: dict[tuple[str, int], str] = {}
    parts: list[str] = []
    for row in rows:
        d = row.day
        what = whats.get((d.status, d.late_min))
        if what is None:
            what = esc(d.label)
            if d.late_min:
                what += " · " + esc(late_text % {"minutes": d.late_min})
            whats[(d.status, d.late_min)] = what
        parts.append(
            f'<li class="st-{esc(d.status)}">\n'
            f'  <span class="who">{html.escape(row.person.display_name)}</span>\n'
            f'  <span class="what">{what}</span>\n'
            f'  <span class="where">{esc(row.position)} · {esc(row.unit)}</span>\n'
            "</li>"
        )
    return mark_safe("".join(parts))  # every value escaped above
