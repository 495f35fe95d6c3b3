"""Indonesian text → search tokens, the same way at index and at query time.

Every token is made here, in Python, so PostgreSQL (a ``simple`` tsvector over the
tokens) and SQLite (FTS5 over the same tokens) see identical input and give the same
answers. A token is lower-case ASCII letters and digits only, which both databases'
tokenisers keep whole:

- words are stemmed with Snowball's Indonesian stemmer ("pembangunan", "membangun",
  "dibangun" → "bangun"; "persuratan" → "surat"), except protected words the stemmer
  mangles ("kepala" would become "pala", "disposisi" "sposisi");
- Indonesian stop words are dropped;
- a letter number or agenda label (``800/123/BKPSDM/2026``) becomes one exact token
  (``nr`` + a digest, letters only) followed by its parts; NIPs (18 digits) and other
  numbers stay as they are.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS = _words(
    """
    ada adalah adanya agar akan aku anda antara apa apabila atas atau bagai bagaimana
    bagi bahwa baik banyak beberapa begitu belum bila bisa boleh bukan cara dalam dan
    dapat dari daripada demikian dengan di dia dilakukan dimana ini itu ia jadi jika
    juga kalau kami kamu karena ke kecuali kepada ketika kita lagi lain lalu maka mana
    masih melalui mereka namun nya oleh pada para per perlu sama saat saja salah sampai
    sangat saya se sebagai sebelum sedang sehingga sejak selama semua seperti serta
    setelah sudah supaya tanpa telah tentang terhadap tersebut tetapi tidak untuk wajib
    yaitu yakni yang
    """
)

#: Words the stemmer would turn into another word (or into nonsense): kept whole.
PROTECTED_WORDS = _words(
    """
    kepala kepolisian disposisi dinas direktur direktorat diklat distrik diskominfo
    dispenduk pemda pemkab pemkot perda perbup pergub perwali peraturan pegawai
    perihal pelaksana perusahaan penduduk kelurahan kecamatan keputusan
    sekretariat sekretaris sekda bupati walikota gubernur camat kampung desa
    """
)

#: Query words that read as operators: AND is implied, the rest are ignored.
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})

MAX_TOKEN_LENGTH = 40
#: Every number token starts so (a word's token may too: "nrp").
NUMBER_PREFIX = "nr"
#: Longer texts (a book-length scan) are indexed up to this many tokens.
MAX_TOKENS = 60_000

_WORD = re.compile(r"[0-9a-z]+")
# A letter number or agenda label: parts joined by "/" with at least one digit.
_NUMBER = re.compile(r"[0-9a-z.\-]+(?:/[0-9a-z.\-]+)+")
_HEX_TO_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")

_stemmer = snowballstemmer.stemmer("indonesian")


def fold(text: str) -> str:
    """Lower case, compatibility forms folded, accents removed (é → e)."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def word_token(word: str) -> str:
    """The token of one folded word ("" for a stop word)."""
    if word in STOP_WORDS:
        return ""
    if len(word) > MAX_TOKEN_LENGTH:
        word = word[:MAX_TOKEN_LENGTH]
    if word in PROTECTED_WORDS or len(word) <= 3 or not word.isalpha():
        return word
    return str(_stemmer.stemWord(word))


def number_token(number: str) -> str:
    """The exact token of a letter number, agenda label or code with "/"."""
    normal = fold(number).strip(".-")
    digest = hashlib.blake2b(normal.encode(), digest_size=8).hexdigest()
    return NUMBER_PREFIX + digest.translate(_HEX_TO_LETTERS)


def _spans(text: str) -> list[tuple[bool, str]]:
    """(is_number, piece) in text order."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _NUMBER.finditer(text):
        if not any(c.isdigit() for c in m.group()):
            continue
        out.append((False, text[pos : m.start()]))
        out.append((True, m.group()))
        pos = m.end()
    out.append((False, text[pos:]))
    return out


def tokens(text: str) -> list[str]:
    """The tokens of a text, in order (numbers: exact token, then their parts)."""
    out: list[str] = []
    for is_number, piece in _spans(fold(text)):
        if is_number:
            out.append(number_token(piece))
        for word in _WORD.findall(piece):
            token = word_token(word)
            if token:
                out.append(token)
        if len(out) >= MAX_TOKENS:
            return out[:MAX_TOKENS]
    return out


def token_string(*texts: str) -> str:
    return " ".join(t for text in texts for t in tokens(text))[:2_000_000]


# --- queries --------------------------------------------------------------------


class QueryError(ValueError):
    """The query cannot be searched; ``code`` says why (empty, too_long, no_words)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32


@dataclass
class ParsedQuery:
    """All terms must match; each phrase is a run of tokens that must be adjacent.
    ``words`` are the folded words typed, for highlighting."""

    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    words: set[str] = field(default_factory=set)

    @property
    def size(self) -> int:
        return len(self.terms) + sum(len(p) for p in self.phrases)


_QUOTED = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")


def parse_query(raw: str) -> ParsedQuery:
    """Words (all required) and "quoted phrases". Operators, punctuation, emoji and
    SQL are only text: nothing but tokens reaches the database."""
    raw = (raw or "").strip()
    if not raw:
        raise QueryError("empty")
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError("too_long")
    parsed = ParsedQuery()
    rest = _QUOTED.sub(" ", raw)
    for phrase in _QUOTED.findall(raw):
        toks = tokens(phrase)
        if len(toks) == 1:
            parsed.terms.append(toks[0])
        elif toks:
            parsed.phrases.append(toks)
        parsed.words.update(_WORD.findall(fold(phrase)))
    words = [w for w in rest.split() if w not in OPERATOR_WORDS]
    for word in words:
        for token in tokens(word):
            if token not in parsed.terms:
                parsed.terms.append(token)
    parsed.words.update(_WORD.findall(fold(" ".join(words))))
    for is_number, piece in _spans(fold(raw)):
        if is_number:
            parsed.words.add(piece)
    if parsed.size > MAX_QUERY_TERMS:
        raise QueryError("too_long")
    if not parsed.size:
        raise QueryError("no_words")
    # A number's parts are indexed too, but a typed number means that number only.
    exact = [t for t in parsed.terms if t.startswith("nr")]
    if exact:
        parts = {p for w in parsed.words if "/" in w for p in _WORD.findall(w)}
        parts = {word_token(p) for p in parts}
        parsed.terms = [t for t in parsed.terms if t not in parts or t in exact]
    return parsed


def pg_tsquery(parsed: ParsedQuery, *, weight: str = "") -> str:
    """The query as ``to_tsquery('simple', …)`` text (tokens are [a-z0-9] only);
    with ``weight`` only lexemes of that weight match."""
    w = f":{weight}" if weight else ""
    parts = [t + w for t in parsed.terms]
    parts += ["(" + " <-> ".join(t + w for t in p) + ")" for p in parsed.phrases]
    return " & ".join(parts)


def pg_words_tsquery(parsed: ParsedQuery) -> str | None:
    """Every word of the query required, each phrase's adjacency dropped (the
    letters that may hold the phrases, found exactly by the GIN index); ``None``
    when the query has no phrase."""
    if not parsed.phrases:
        return None
    return " & ".join([*parsed.terms, *(t for p in parsed.phrases for t in p)])


def fts5_query(parsed: ParsedQuery, *, column: str = "") -> str:
    """The query as an FTS5 MATCH expression (every token quoted); with ``column``
    only that column matches."""
    parts = [f'"{t}"' for t in parsed.terms]
    parts += ['"' + " ".join(p) + '"' for p in parsed.phrases]
    expression = " AND ".join(parts)
    return f"{column} : ({expression})" if column else expression
