"""Highlighted snippets, made in Python from the original texts of the page's hits
only: the words whose token is a query token are wrapped in ``<mark>``."""

from __future__ import annotations

import re
import string
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


#: What ``\w`` matches in an ASCII text, and a table that blanks everything else
#: (splitting the result gives what ``_WORD.findall`` does, three times faster).
_ASCII_WORD = frozenset(string.ascii_letters + string.digits + "_")
_BLANK_NON_WORD = str.maketrans(
    {chr(i): " " for i in range(128) if chr(i) not in _ASCII_WORD}
)


def _first_place(text: str, word: str) -> int:
    """Where ``word`` first stands as a whole word in the ASCII ``text`` (it does)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        before = at == 0 or text[at - 1] not in _ASCII_WORD
        if before and (end == len(text) or text[end] not in _ASCII_WORD):
            return at
        at = text.find(word, at + 1)
    raise ValueError(word)


def _first_by_words(lowered: str, wanted: set[str]) -> int | None:
    """Where the first word whose token is wanted starts in the ASCII ``lowered``
    text (None: nowhere), from the text's distinct words."""
    words = set(lowered.translate(_BLANK_NON_WORD).split())
    found = {w for w in words if word_token(w) in wanted}
    return min((_first_place(lowered, word) for word in found), default=None)


def _first_wanted(lowered: str, wanted: set[str]) -> int | None:
    """The same as ``_first_by_words``, looking only where the words can be: a
    token is its word with affixes taken off and at most its first letter changed
    (the stemmer's ``meny-`` → ``s-``, ``mem-`` → ``p-``), so every word of a
    wanted token holds that token without its first letter. Those pieces are found
    with ``str.find``; only the words around them are read."""
    probes = {t[1:] for t in wanted if not t.startswith(NUMBER_PREFIX)}
    if any(len(probe) < 2 for probe in probes):
        return _first_by_words(lowered, wanted)
    end_of_text = len(lowered)
    best: int | None = None
    for probe in probes:
        at = lowered.find(probe)
        while at >= 0 and (best is None or at < best):
            start, end = at, at + len(probe)
            while start and lowered[start - 1] in _ASCII_WORD:
                start -= 1
            while end < end_of_text and lowered[end] in _ASCII_WORD:
                end += 1
            if word_token(lowered[start:end]) in wanted:
                best = start
                break
            at = lowered.find(probe, end)
    return best


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
    start = 0
    if plain:
        # Skip the words before the first query word without a Python step per
        # word (a file text has thousands; a word is a whole run of word
        # characters, as ``_WORD`` reads it).
        found = _first_wanted(text.lower(), wanted)
        if found is None:
            return spans
        start = found
        if first is not None and start >= first + SNIPPET_CHARS:
            return spans
    for m in _WORD.finditer(text, start):
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
