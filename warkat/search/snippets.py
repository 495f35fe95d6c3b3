"""Highlighted snippets, made in Python from the original texts of the page's hits
only: the words whose token is a query token are wrapped in ``<mark>``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from warkat.search.text import (
    NUMBER_PREFIX,
    ParsedQuery,
    fold,
    number_token,
    word_token,
)

SNIPPET_CHARS = 220
MAX_SNIPPETS = 3

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"[\w.\-]+(?:/[\w.\-]+)+", re.UNICODE)


@dataclass(frozen=True)
class Snippet:
    label: str  # number, sender, subject, summary, note, disposition, follow_up, file
    html: SafeString


def _hits(text: str, wanted: set[str]) -> list[tuple[int, int]]:
    """The spans of the query's words in ``text``, up to the end of the snippet
    (``_render`` starts it at most a third of its length before the first one):
    a long file text is read no further than that."""
    spans = []
    if any(token.startswith(NUMBER_PREFIX) for token in wanted):
        spans = [
            m.span()
            for m in _NUMBER.finditer(text)
            if number_token(m.group()) in wanted
        ]
    first = spans[0][0] if spans else None
    plain = text.isascii()  # folding is lower-casing: no Unicode tables per word
    for m in _WORD.finditer(text):
        if first is not None and m.start() >= first + SNIPPET_CHARS:
            break
        if any(s <= m.start() < e for s, e in spans):
            continue
        word = m.group()
        folded = word.lower() if plain else "".join(_WORD.findall(fold(word)))
        if folded and word_token(folded) in wanted:
            spans.append(m.span())
            first = m.start() if first is None else min(first, m.start())
    return sorted(spans)


def _render(text: str, spans: list[tuple[int, int]]) -> SafeString:
    first = spans[0][0]
    start = max(0, first - SNIPPET_CHARS // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + SNIPPET_CHARS)
    out = ["… " if start else ""]
    pos = start
    for s, e in spans:
        if s < pos or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    out.append(" …" if end < len(text) else "")
    # Safe: every piece of the letter's text above is escaped.
    return mark_safe("".join(out))


def snippets(texts: list[tuple[str, str]], parsed: ParsedQuery) -> list[Snippet]:
    """Up to ``MAX_SNIPPETS`` snippets, from the texts that hold a query word."""
    wanted = set(parsed.terms) | {t for p in parsed.phrases for t in p}
    out: list[Snippet] = []
    for label, text in texts:
        text = " ".join(text.split())
        spans = _hits(text, wanted) if text else []
        if spans:
            out.append(Snippet(label=label, html=_render(text, spans)))
        if len(out) >= MAX_SNIPPETS:
            break
    return out
