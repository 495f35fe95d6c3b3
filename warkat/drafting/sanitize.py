"""Letter bodies: the HTML allow-list (no stored script) and readable version diffs."""

from __future__ import annotations

import difflib
import html
import re
from typing import Any

import nh3

#: Formatting a letter body needs; nothing that runs, loads or styles from outside.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup",
        "ol", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
        "h3", "h4", "blockquote", "span", "div", "hr",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"type", "start"},
    "p": {"class"},
    "span": {"class"},
    "div": {"class"},
}
#: Classes the editor may set (alignment and indentation of paragraphs).
ALLOWED_CLASSES = frozenset({"center", "right", "justify", "indent"})

BODY_MAX_CHARS = 200_000


def _class_filter(tag: str, attr: str, value: str) -> str | None:
    if attr != "class":
        return value
    kept = [c for c in value.split() if c in ALLOWED_CLASSES]
    return " ".join(kept) or None


def body_clean(raw: str) -> str:
    """The body as it may be stored and rendered: allow-listed tags and attributes
    only; script, event handlers, styles and every URL-bearing attribute dropped."""
    return nh3.clean(
        raw[:BODY_MAX_CHARS],
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_class_filter,
        clean_content_tags={"script", "style"},
        url_schemes=set(),
        strip_comments=True,
        link_rel=None,
    ).strip()


_BLOCK_END = re.compile(r"</(p|li|tr|h3|h4|blockquote|div)>|<br\s*/?>|<hr\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


def body_text(body_html: str) -> list[str]:
    """The body as lines of plain text (one per paragraph, item or row)."""
    text = _BLOCK_END.sub("\n", body_html)
    text = html.unescape(_TAG.sub(" ", text))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def version_diff(
    *,
    old: dict[str, Any],
    new: dict[str, Any],
    labels: dict[str, str],
    old_name: str,
    new_name: str,
) -> tuple[list[tuple[str, str, str]], str]:
    """Changed fields as (label, old, new) and the body's side-by-side HTML diff,
    empty when the body did not change.

    The diff table is built by ``difflib`` from plain text lines (escaped by
    ``HtmlDiff``), so no markup from either version reaches the page.
    """
    fields: list[tuple[str, str, str]] = []
    for key, label in labels.items():
        before, after = _text(old.get(key)), _text(new.get(key))
        if before != after:
            fields.append((label, before, after))
    old_lines = body_text(old.get("body", ""))
    new_lines = body_text(new.get("body", ""))
    if old_lines == new_lines:
        # HtmlDiff would say so in English ("No Differences Found", "Empty File");
        # the page says it in the reader's language instead.
        return fields, ""
    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        old_lines,
        new_lines,
        fromdesc=old_name,
        todesc=new_name,
        context=True,
        numlines=2,
    )
    # Cleaned again: presentational attributes dropped, classes kept for the CSS.
    table = nh3.clean(
        table,
        tags={"table", "thead", "tbody", "tr", "th", "td", "span"},
        clean_content_tags={"a"},
        attributes={"*": {"class"}, "td": {"colspan"}, "th": {"colspan"}},
        url_schemes=set(),
        link_rel=None,
    )
    return fields, table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{v}" for v in value.values() if v)
    return str(value)
