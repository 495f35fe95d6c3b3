"""Indonesian tokens: stems, stop words, protected words, exact numbers, queries."""

from __future__ import annotations

import pytest

from warkat.search.text import (
    QueryError,
    fts5_query,
    number_token,
    parse_query,
    pg_tsquery,
    pg_words_tsquery,
    tokens,
)


@pytest.mark.parametrize(
    ("word", "same_as"),
    [
        ("pembangunan", "membangun"),
        ("pembangunan", "dibangun"),
        ("surat", "persuratan"),
        ("permohonan", "dimohonkan"),
        ("undangan", "mengundang"),
    ],
)
def test_affixed_forms_share_a_token(word: str, same_as: str) -> None:
    assert tokens(word) == tokens(same_as)


def test_protected_words_are_not_stemmed() -> None:
    assert tokens("Kepala") == ["kepala"]
    assert tokens("pala") == ["pala"]
    assert tokens("disposisi") == ["disposisi"]


def test_stop_words_are_dropped() -> None:
    assert tokens("surat yang dari dan untuk rapat") == tokens("surat rapat")


def test_letter_numbers_are_one_exact_token_plus_parts() -> None:
    out = tokens("Nomor 800/123/BKPSDM/2026 tanggal")
    assert number_token("800/123/BKPSDM/2026") in out
    assert number_token("800/123/bkpsdm/2026") == number_token("800/123/BKPSDM/2026")
    assert number_token("800/124/BKPSDM/2026") not in out
    assert "bkpsdm" in out and "2026" in out


def test_tokens_are_plain_ascii_words() -> None:
    text = "Café “kutip” 800/1/X/2026 NIP 198503302010011001 🚀 ' OR 1=1; --"
    for token in tokens(text):
        assert token.isascii() and token.isalnum() and token == token.lower()
    assert "198503302010011001" in tokens(text)


def test_a_typed_number_means_that_number_only() -> None:
    parsed = parse_query("800/123/BKPSDM/2026")
    assert parsed.terms == [number_token("800/123/BKPSDM/2026")]


def test_quoted_phrases_and_operators() -> None:
    parsed = parse_query('"rapat koordinasi" AND anggaran OR NOT')
    assert parsed.phrases == [tokens("rapat koordinasi")]
    assert parsed.terms == tokens("anggaran")
    assert pg_tsquery(parsed) == "anggar & (rapat <-> koordinasi)"
    assert fts5_query(parsed) == '"anggar" AND "rapat koordinasi"'
    # The letters that may hold the phrase: every word, adjacency dropped.
    assert pg_words_tsquery(parsed) == "anggar & rapat & koordinasi"
    assert pg_words_tsquery(parse_query("anggaran")) is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("yang dan di", "no_words"),
        ("🚀🚀", "no_words"),
        ("&|!:*()<->", "no_words"),
        (" ".join(["kata"] * 1000), "too_long"),
        (" ".join(f"kata{i}" for i in range(40)), "too_long"),
    ],
)
def test_unsearchable_queries_say_why(raw: str, code: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(raw)
    assert caught.value.code == code


def test_sql_and_quotes_are_only_words() -> None:
    parsed = parse_query("'; DROP TABLE letters_letter; -- \"unclosed")
    assert set(parsed.terms) <= set(tokens("drop table letters letter unclosed"))
