"""The full-text match, per database: the SQL of the set of (letter id, rank) of
the current tenant's letters whose index entry matches a parsed query.

PostgreSQL: ``warkat_search_match`` (migration 0002), a security-definer function
owned by the table owner. Under row-level security PostgreSQL never uses an index
for a condition that is not leakproof (``@@``, ``LIKE``), so a plain query as the
app role would read every index entry of the tenant; the function reads the GIN
index as the owner and applies the tenant rule of the policies itself (the tenant
of the session's scope; nothing for ``all`` or none). It returns ids and ranks only;
the caller joins them to the letters the user may read (``letters_visible``, under
the letters' own policy).

SQLite: the FTS5 table ``search_fts`` joined to the index rows of the tenant,
ranked by bm25 with head, sender and body weighted 4:2:1. The two rankings differ in detail (both
put a letter whose head holds the words before one whose files alone do); the set
of hits is the same.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

from warkat.search.text import ParsedQuery, fts5_query, pg_tsquery

_PG_MATCH = "SELECT letter_id, rank FROM warkat_search_match(to_tsquery('simple', %s))"
_FTS_MATCH = (
    "SELECT d.letter_id AS letter_id, -bm25(search_fts, 2.0, 4.0, 1.0) AS rank "
    "FROM search_fts JOIN search_searchdoc d ON d.id = search_fts.rowid "
    "WHERE search_fts MATCH %s AND d.tenant_id = %s"
)


def match_sql(
    parsed: ParsedQuery, *, tenant_id: int, using: str = "default"
) -> tuple[str, list[Any]]:
    """``SELECT letter_id, rank`` of the matching entries (higher rank first)."""
    if connections[using].vendor == "postgresql":
        return _PG_MATCH, [pg_tsquery(parsed)]
    return _FTS_MATCH, [fts5_query(parsed), tenant_id]


def sender_match_sql(
    parsed: ParsedQuery, *, tenant_id: int, using: str = "default"
) -> tuple[str, list[Any]]:
    """``SELECT letter_id`` of the entries whose sender holds the query's words
    (PostgreSQL: lexemes of weight B; SQLite: the ``sender`` column)."""
    params: list[Any]
    if connections[using].vendor == "postgresql":
        sql, params = _PG_MATCH, [pg_tsquery(parsed, weight="B")]
    else:
        sql, params = _FTS_MATCH, [fts5_query(parsed, column="sender"), tenant_id]
    return f"SELECT letter_id FROM ({sql}) senders", params
