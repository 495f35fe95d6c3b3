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

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Func
from django.db.models.expressions import RawSQL

from warkat.search.text import ParsedQuery, fts5_query, pg_tsquery, pg_words_tsquery

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


#: When the newest matches hold too few visible hits (``newest_hits``): up to this
#: many matches a query's hits are found from its matches; beyond, by checking the
#: newest visible letters one by one (PostgreSQL). Same answers.
FEW_MATCHES = 1000


#: The newest matches asked of ``warkat_search_newest`` per hit wanted: a user sees
#: most of the tenant's letters (a secret letter outside the chain is the exception),
#: so the newest ``limit`` visible hits are almost always among them.
NEWEST_FACTOR = 1.5


#: What a search page's facets count, read with the hits (``facts=True``): the
#: letter's direction, security level, unit (id and name) and creation time.
_FACTS = ", f.direction, f.security, f.unit_id, f.name, f.created_at"
_FACTS_OF = (
    "SELECT l.id, l.direction, l.security, l.unit_id, u.name, l.created_at "
    "FROM letters_letter l JOIN org_unit u ON u.id = l.unit_id"
)


def _with_facts(sql: str, vendor: str, first: str = "") -> str:
    """``sql`` (hits: ``letter_id`` and ``rank``) followed by their letters' facts.
    PostgreSQL looks them up hit by hit (a lateral subquery kept apart by
    ``OFFSET 0``: joined flat, the planner may hash the whole letters table for a
    few hundred hits); SQLite's joins are such lookups already."""
    if vendor == "postgresql":
        join = (
            f" LEFT JOIN LATERAL ({_FACTS_OF} WHERE l.id = h.letter_id OFFSET 0) f "
            "ON true"
        )
    else:
        join = f" LEFT JOIN ({_FACTS_OF}) f ON f.id = h.letter_id"
    return (
        f"WITH h AS MATERIALIZED ({sql}) SELECT {first}h.letter_id, h.rank{_FACTS} "
        f"FROM h{join} ORDER BY h.letter_id DESC"
    )


def newest_hits(
    parsed: ParsedQuery,
    *,
    tenant_id: int,
    visible: tuple[str, Sequence[Any]],
    limit: int,
    using: str = "default",
    facts: bool = False,
) -> list[tuple[Any, ...]]:
    """The ``limit`` newest letters of ``visible`` (SQL selecting letter ids) that
    match, as (letter id, rank), newest first; with ``facts``, each followed by
    the letter's direction, security level, unit id, unit name and creation time
    (read in the same statement, for the facets).

    PostgreSQL: one statement reads the tenant's newest matches from the index
    (``warkat_search_newest``, migration 0004: the work follows ``limit`` whatever
    the word's frequency; a phrase's candidates, found by its words, are checked
    for adjacency newest first only as far as needed, migration 0006) and keeps
    the visible ones. Only when they are too few
    while older matches exist (a user who may read a small part of the letters, or
    narrow filters) the answer is made by ``fallback_hits_sql`` (two more statements).
    The answer is the same either way."""
    v_sql, v_params = visible
    conn = connections[using]
    if conn.vendor != "postgresql":
        m_sql, m_params = match_sql(parsed, tenant_id=tenant_id, using=using)
        sql = (
            f"SELECT m.letter_id, m.rank FROM ({m_sql}) m WHERE m.letter_id IN "
            f"({v_sql}) ORDER BY m.letter_id DESC LIMIT %s"
        )
        return _rows(using, sql, [*m_params, *v_params, limit], facts)
    tsquery = pg_tsquery(parsed)
    asked = max(limit, int(limit * NEWEST_FACTOR))
    # The count comes on every row (a row even without hits): the caller learns
    # whether the function stopped at ``asked`` (older matches may exist).
    sql = (
        "WITH m AS MATERIALIZED (SELECT letter_id, rank FROM "
        "warkat_search_newest(to_tsquery('simple', %s), %s, to_tsquery('simple', %s))) "
        "SELECT n.total, h.letter_id, h.rank "
        "FROM (SELECT count(*) AS total FROM m) n "
        "LEFT JOIN LATERAL (SELECT m.letter_id, m.rank FROM m "
        f"WHERE m.letter_id IN ({v_sql}) ORDER BY m.letter_id DESC LIMIT %s) h ON true"
    )
    if facts:
        sql = _with_facts(sql, conn.vendor, "h.total, ")
    with conn.cursor() as cursor:
        cursor.execute(
            sql, [tsquery, asked, pg_words_tsquery(parsed), *v_params, limit]
        )
        rows = cursor.fetchall()
    found = [(int(r[1]), float(r[2]), *r[3:]) for r in rows if r[1] is not None]
    if len(found) >= limit or rows[0][0] < asked:
        return found
    sql, params = fallback_hits_sql(tsquery, visible=visible, limit=limit, using=using)
    return _rows(using, sql, params, facts)


def _rows(
    using: str, sql: str, params: list[Any], facts: bool = False
) -> list[tuple[Any, ...]]:
    if facts:
        sql = _with_facts(sql, connections[using].vendor)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(r[0]), float(r[1]), *r[2:]) for r in cursor.fetchall()]


def fallback_hits_sql(
    tsquery: str, *, visible: tuple[str, Sequence[Any]], limit: int, using: str
) -> tuple[str, list[Any]]:
    """PostgreSQL, when the user may read few of the newest matches: when the query
    matches more than ``FEW_MATCHES`` letters of the tenant (``warkat_search_first``,
    one more statement), the visible letters are read newest first and ranked one
    by one (``warkat_search_rank``) until ``limit`` match; otherwise the few matches
    are joined to the visible letters."""
    v_sql, v_params = visible
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM warkat_search_first(to_tsquery('simple', %s), %s)",
            [tsquery, FEW_MATCHES + 1],
        )
        many = cursor.fetchone()[0] > FEW_MATCHES
    if many:
        return (
            "SELECT letter_id, rank FROM (SELECT o.id AS letter_id, "
            "warkat_search_rank(o.id, to_tsquery('simple', %s)) AS rank FROM ("
            f"SELECT v.id FROM ({v_sql}) AS v(id) ORDER BY v.id DESC OFFSET 0) o) r "
            "WHERE rank IS NOT NULL LIMIT %s",
            [tsquery, *v_params, limit],
        )
    return (
        "SELECT m.letter_id, m.rank FROM (SELECT letter_id, rank FROM "
        "warkat_search_first(to_tsquery('simple', %s), %s)) m "
        f"WHERE m.letter_id IN ({v_sql}) ORDER BY m.letter_id DESC LIMIT %s",
        [tsquery, FEW_MATCHES + 1, *v_params, limit],
    )


#: The inbox's sender filter (PostgreSQL): up to this many letters of the tenant
#: whose sender matches, their ids are the filter; beyond, the inbox checks the
#: letters it reads, newest first, one by one (``sender_check_sql``) until its page
#: is full. Either costs about as much at this bound (a few tens of ms at a million
#: letters); the answer is the same.
FEW_SENDERS = 5000


def sender_match_sql(
    parsed: ParsedQuery, *, tenant_id: int, using: str = "default"
) -> tuple[str, list[Any]] | None:
    """``SELECT letter_id`` of the entries whose sender holds the query's words
    (PostgreSQL: the sender's own index, migration 0007; SQLite: the ``sender``
    column), or None when they are more than ``FEW_SENDERS`` (PostgreSQL: one
    statement finds out; check the letters one by one with ``sender_check_sql``)."""
    if connections[using].vendor != "postgresql":
        sql = _FTS_MATCH
        params = [fts5_query(parsed, column="sender"), tenant_id]
        return f"SELECT letter_id FROM ({sql}) senders", params
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT letter_id FROM warkat_search_senders(to_tsquery('simple', %s), %s)",
            [pg_tsquery(parsed), FEW_SENDERS + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) > FEW_SENDERS:
        return None
    return "SELECT unnest(%s::bigint[])", [ids]


class SenderIs(Func):
    """PostgreSQL: whether the letter (the expression of its id) has a sender
    holding the query's words: ``SenderIs(F("pk"), parsed)``, a condition."""

    function = "warkat_search_sender_is"
    output_field = BooleanField()

    def __init__(self, letter: Any, parsed: ParsedQuery) -> None:
        query = RawSQL("to_tsquery('simple', %s)", [pg_tsquery(parsed)])
        super().__init__(letter, query)
