"""Bounded search on PostgreSQL: two security-definer functions that, like
``warkat_search_match``, apply the tenant rule of the policies themselves.

``warkat_search_first(q, lim)`` returns at most ``lim`` matches (any order), read
by a bitmap scan of the GIN index that stops after ``lim`` rows: it tells the
caller whether a query matches few letters (then they are all read) or many.
``warkat_search_rank(letter, q)`` is the rank of one letter, or NULL when it does
not match: the newest visible letters are checked one by one, stopping at the cap,
so a common word costs the cap, not the number of its matches.
"""

from django.db import migrations

from warkat.search.migrations._pg import postgresql_only

TENANT = """(
    SELECT CASE WHEN s ~ '^[0-9]+$' THEN s::bigint END
    FROM current_setting('warkat.tenant_id', true) AS s
)"""

PG_FORWARD = [
    f"""
    CREATE FUNCTION warkat_search_first(q tsquery, lim integer)
    RETURNS TABLE (letter_id bigint, rank real)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET enable_seqscan = off
    SET enable_indexscan = off
    AS $$
        SELECT d.letter_id, ts_rank(d.rank_tsv, q) + 0.01::real
        FROM public.search_searchdoc d
        WHERE d.tenant_id = {TENANT} AND d.tsv @@ q
        LIMIT lim
    $$
    """,
    f"""
    CREATE FUNCTION warkat_search_rank(letter bigint, q tsquery)
    RETURNS real
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT ts_rank(d.rank_tsv, q) + 0.01::real
        FROM public.search_searchdoc d
        WHERE d.letter_id = letter AND d.tenant_id = {TENANT} AND d.tsv @@ q
    $$
    """,
]
PG_BACKWARD = [
    "DROP FUNCTION IF EXISTS warkat_search_rank(bigint, tsquery)",
    "DROP FUNCTION IF EXISTS warkat_search_first(tsquery, integer)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine")]

    operations = [postgresql_only(PG_FORWARD, PG_BACKWARD)]
