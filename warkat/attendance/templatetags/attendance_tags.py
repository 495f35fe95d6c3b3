"""Template helpers of the attendance pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
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
    labels: dict[str, str] = {}
    parts: list[str] = []
    for row in rows:
        d = row.day
        label = labels.get(d.status)
        if label is None:
            label = labels[d.status] = escape(d.label)
        what = label
        if d.late_min:
            what += " · " + escape(late_text % {"minutes": d.late_min})
        parts.append(
            f'<li class="st-{escape(d.status)}">\n'
            f'  <span class="who">{escape(row.person.display_name)}</span>\n'
            f'  <span class="what">{what}</span>\n'
            f'  <span class="where">{escape(row.position)} · {escape(row.unit)}</span>\n'
            "</li>"
        )
    return mark_safe("".join(parts))  # every value escaped above
