"""The PostgreSQL search function as the app role: it reads the index past the
row-level policy, so it must apply the policy's tenant rule itself."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from warkat.search.text import parse_query, pg_tsquery, pg_words_tsquery

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="PostgreSQL's function"),
]

PROBE_ROLE = "warkat_search_probe"


def _matches(tenant_setting: str, words: str) -> set[int]:
    """Letter ids the function returns to a non-superuser, non-owner role."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {PROBE_ROLE} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute(f"GRANT SELECT ON search_searchdoc TO {PROBE_ROLE}")
        cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")
        cursor.execute(
            "SELECT set_config('warkat.tenant_id', %s, true)", [tenant_setting]
        )
        try:
            cursor.execute(
                "SELECT letter_id FROM warkat_search_match(to_tsquery('simple', %s))",
                [pg_tsquery(parse_query(words))],
            )
            found = {row[0] for row in cursor.fetchall()}
            # The same role reading the table itself is bound by the policy too.
            cursor.execute("SELECT count(*) FROM search_searchdoc")
            visible_rows = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET ROLE")
    if tenant_setting in ("", "none"):
        assert visible_rows == 0
    return found


def test_the_function_answers_only_in_the_scopes_tenant(
    corpus: SimpleNamespace, elsewhere: SimpleNamespace
) -> None:
    keerom, gorontalo = corpus.o.tenant, elsewhere.tenant
    mine = {corpus.bangun.pk, corpus.membangun.pk, corpus.dibangun.pk}
    assert _matches(str(keerom.pk), "pembangunan") == mine
    assert _matches(str(gorontalo.pk), "pembangunan") == {elsewhere.letter.pk}
    # No scope, every tenant at once, or junk: nothing.
    assert _matches("", "pembangunan") == set()
    assert _matches("all", "pembangunan") == set()
    assert _matches(f"{keerom.pk} OR 1=1", "pembangunan") == set()
    assert _matches("none", "pembangunan") == set()


@pytest.mark.parametrize(
    "function",
    ["warkat_search_match", "warkat_search_senders", "warkat_search_sender_is"],
)
def test_the_function_is_a_safe_security_definer(
    corpus: SimpleNamespace, function: str
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.prosecdef, p.proconfig, pg_get_userbyid(p.proowner), "
            "pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity "
            "FROM pg_proc p, pg_class c "
            "WHERE p.proname = %s AND c.relname = 'search_searchdoc'",
            [function],
        )
        definer, config, fn_owner, table_owner, rls, forced = cursor.fetchone()
    assert definer and fn_owner == table_owner
    # A fixed search path: nobody can slip in their own "@@" or "ts_rank".
    assert any(c.startswith("search_path=pg_catalog") for c in config)
    assert rls and not forced


def test_the_index_answers_the_match(corpus: SimpleNamespace) -> None:
    """The function's query, as the owner it runs as, reads the GIN index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT letter_id FROM search_searchdoc "
            "WHERE tsv @@ to_tsquery('simple', 'bangun')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "searchdoc_tsv" in plan


def _as_probe(tenant_setting: str, sql: str, params: list[Any]) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {PROBE_ROLE} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")
        cursor.execute(
            "SELECT set_config('warkat.tenant_id', %s, true)", [tenant_setting]
        )
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.execute("RESET ROLE")


def _newest(
    tenant_setting: str, words: str, lim: int, *, lazy: bool = True
) -> list[int]:
    """``warkat_search_newest`` as a non-owner role, in the order it returns; with
    ``lazy``, given the query's words (a phrase's adjacency checked lazily)."""
    parsed = parse_query(words)
    rows = _as_probe(
        tenant_setting,
        "SELECT letter_id FROM warkat_search_newest("
        "to_tsquery('simple', %s), %s, to_tsquery('simple', %s))",
        [pg_tsquery(parsed), lim, pg_words_tsquery(parsed) if lazy else None],
    )
    return [row[0] for row in rows]


@pytest.mark.parametrize("lim", [1, 2, 3, 50])
def test_the_newest_matches_window_by_window(
    corpus: SimpleNamespace, elsewhere: SimpleNamespace, lim: int
) -> None:
    """Small ``lim``s make the function read several windows (the first is 2 x lim
    ids wide) and then the rest: always the tenant's ``lim`` newest matches."""
    keerom = str(corpus.o.tenant.pk)
    phrases = (
        '"vaksinasi malaria"',
        '"pembangunan jembatan"',
        '"jembatan pembangunan"',
    )
    for words in ("pembangunan", "anggaran", "zzzz", *phrases):
        every = sorted(_matches(keerom, words), reverse=True)
        assert _newest(keerom, words, lim) == every[:lim], words
        assert _newest(keerom, words, lim, lazy=False) == every[:lim], words
    # Both words in one letter, not adjacent: a candidate, never a hit.
    assert _matches(keerom, '"jembatan pembangunan"') == set()
    assert _newest(str(elsewhere.tenant.pk), "pembangunan", lim) == [
        elsewhere.letter.pk
    ]
    for junk in ("", "all", "none", f"{keerom} OR 1=1"):
        assert _newest(junk, "pembangunan", lim) == []


def test_the_window_reads_the_index(corpus: SimpleNamespace) -> None:
    """A window is one scan of the GIN index on (vector, letter id): the b-tree on
    the letter id cannot serve it, so no plan checks ``@@`` row by row."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(
            "EXPLAIN SELECT letter_id FROM search_searchdoc WHERE tsv @@ "
            "to_tsquery('simple', 'bangun') AND (letter_id + 0) >= 0::bigint "
            "AND (letter_id + 0) < 1000000::bigint ORDER BY letter_id DESC LIMIT 3"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on searchdoc_tsv" in plan
    assert "Index Cond: ((tsv @@" in plan and "(letter_id + 0)" in plan


def test_the_sender_functions_answer_only_in_the_scopes_tenant(
    o: SimpleNamespace, elsewhere: SimpleNamespace
) -> None:
    """The sender's own index (0007): ids up to a bound, and a letter's yes/no,
    in the scope's tenant only."""
    from warkat.letters.tests.factories import register

    bps = [
        register(o, subject="Data", sender_institution="Badan Pusat Statistik")
        for _ in range(3)
    ]
    register(o, subject="Statistik jalan", sender_institution="Dinas PU")
    keerom = str(o.tenant.pk)
    q = pg_tsquery(parse_query("statistik"))
    senders = (
        "SELECT letter_id FROM warkat_search_senders(to_tsquery('simple', %s), %s)"
    )
    assert {r[0] for r in _as_probe(keerom, senders, [q, 10])} == {b.pk for b in bps}
    assert len(_as_probe(keerom, senders, [q, 2])) == 2
    assert _as_probe(keerom, senders, [q, 0]) == []
    is_sql = "SELECT warkat_search_sender_is(%s, to_tsquery('simple', %s))"
    assert _as_probe(keerom, is_sql, [bps[0].pk, q]) == [(True,)]
    pu = pg_tsquery(parse_query("jalan"))
    assert _as_probe(keerom, is_sql, [bps[0].pk, pu]) == [(False,)]
    gorontalo = str(elsewhere.tenant.pk)
    for junk in ("", "all", "none", f"{keerom} OR 1=1", gorontalo):
        assert _as_probe(junk, senders, [q, 10]) == []
        assert _as_probe(junk, is_sql, [bps[0].pk, q]) == [(False,)]


def test_the_sender_index_answers_the_senders(corpus: SimpleNamespace) -> None:
    """The function's query, as the owner it runs as, reads the sender's index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT letter_id FROM search_searchdoc d "
            "WHERE to_tsvector('simple'::regconfig, d.sender) "
            "@@ to_tsquery('simple', 'statistik')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "searchdoc_sender" in plan
