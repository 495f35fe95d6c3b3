"""Snippets: the fast skip to a long text's first query word finds the same words
as reading the text word by word."""

from __future__ import annotations

import pytest

from warkat.search.snippets import (
    _NUMBER,
    _WORD,
    SNIPPET_CHARS,
    _first_by_words,
    _first_wanted,
    _hits,
    snippets,
)
from warkat.search.text import fold, number_token, parse_query, word_token


def _hits_word_by_word(text: str, wanted: set[str]) -> list[tuple[int, int]]:
    """The spans as a plain reading of every word finds them (the reference)."""
    spans = [
        m.span() for m in _NUMBER.finditer(text) if number_token(m.group()) in wanted
    ]
    first = spans[0][0] if spans else None
    for m in _WORD.finditer(text):
        if first is not None and m.start() >= first + SNIPPET_CHARS:
            break
        if any(s <= m.start() < e for s, e in spans):
            continue
        folded = "".join(_WORD.findall(fold(m.group())))
        if folded and word_token(folded) in wanted:
            spans.append(m.span())
            first = m.start() if first is None else min(first, m.start())
    return sorted(spans)


FILLER = " ".join(f"kata{i} persuratan_{i}, (lampiran-{i})." for i in range(400))

TEXTS = [
    FILLER + " Pembangunan jalan trans Papua dibangun oleh dinas. " + FILLER,
    "Surat nomor 800/123/BKPSDM/2026 tentang pembangunan; " + FILLER,
    FILLER + " surat_masuk suratnya SURAT. Surat, persuratan " + FILLER,
    FILLER,
    "membangun" + FILLER + " membangun",
    FILLER + " Nomor: 800/123/BKPSDM/2026 dan " + FILLER + " pembangunan",
    "Kepala Dinas Kesehatan meminta data kesehatan kepala keluarga. " + FILLER,
    # The stemmer changes a first letter (menyapu → sapu, memukul → pukul); pieces
    # of query words inside other words (ukulele, asapun) are no hits.
    FILLER + " ukulele asapun jalanan; Petugas menyapu dan memukul " + FILLER,
    FILLER + " RT 05 / rw 02, pemukulan di rt lain " + FILLER,
]

QUERIES = [
    "pembangunan",
    "surat",
    '"jalan trans papua"',
    "800/123/BKPSDM/2026",
    "kesehatan kepala",
    "zamrud",
    "persuratan_7",
    "sapu",
    "pukul",
    "jalan",
    "rt",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_skip_finds_what_a_word_by_word_reading_finds(query: str) -> None:
    parsed = parse_query(query)
    wanted = set(parsed.terms) | {t for p in parsed.phrases for t in p}
    for text in TEXTS:
        assert _hits(text, wanted) == _hits_word_by_word(text, wanted), (
            query,
            text[:60],
        )


def test_a_word_deep_in_a_long_file_text_is_highlighted() -> None:
    [snippet] = snippets([("file", TEXTS[0])], parse_query("pembangunan"))
    assert "<mark>Pembangunan</mark>" in snippet.html
    assert "<mark>dibangun</mark>" in snippet.html


@pytest.mark.parametrize("query", QUERIES)
def test_the_pieces_find_the_first_word_the_distinct_words_find(query: str) -> None:
    parsed = parse_query(query)
    wanted = set(parsed.terms) | {t for p in parsed.phrases for t in p}
    for text in TEXTS:
        lowered = text.lower()
        assert _first_wanted(lowered, wanted) == _first_by_words(lowered, wanted), (
            query,
            text[:60],
        )
