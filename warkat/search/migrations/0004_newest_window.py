"""Newest matches first, read from the index a window of letter ids at a time.

A common word matches a third of a tenant's letters; the bounded search wants the
newest few hundred of them. Checking the newest letters one by one (0003) reads
each letter's whole file-text vector (kilobytes, out of line), and a phrase that
one letter in a hundred holds needs thousands of such checks. Here the GIN index
also holds the letter id (``btree_gin``), so one index scan intersects a word's
list with a range of ids: ``warkat_search_newest(q, lim)`` asks for the matches
among the newest ids, then a lower window sized from the density seen so far
(about 1.5 times what is still missing), until it has ``lim`` or the term is
found rare enough to read all its remaining matches at once. The work follows
``lim``, not the number of matches, whatever the word's frequency.

The index's second column is ``letter_id + 0``, not ``letter_id``: the unique
b-tree on ``letter_id`` then cannot serve the window, so the planner has one way
to read it (a b-tree range checked with ``@@`` row by row is what this replaces).
Like the other search functions it applies the policies' tenant rule itself and
returns ids and ranks only; the caller keeps what the user may read.
"""

from django.db import migrations

from warkat.search.migrations._pg import postgresql_only

TENANT = """(
    SELECT CASE WHEN s ~ '^[0-9]+$' THEN s::bigint END
    FROM current_setting('warkat.tenant_id', true) AS s
)"""

WINDOW = """
    SELECT d.letter_id, ts_rank(d.rank_tsv, $1) + 0.01::real
    FROM public.search_searchdoc d
    WHERE d.tsv @@ $1 AND (d.letter_id + 0) >= $2 AND (d.letter_id + 0) < $3
      AND d.tenant_id = $4
    ORDER BY d.letter_id DESC LIMIT $5
"""
# The rest of a rare term's matches: its whole list, no window.
REST = """
    SELECT d.letter_id, ts_rank(d.rank_tsv, $1) + 0.01::real
    FROM public.search_searchdoc d
    WHERE d.tsv @@ $1 AND d.letter_id < $3 AND d.tenant_id = $4
    ORDER BY d.letter_id DESC LIMIT $5
"""

PG_FORWARD = [
    # Trusted since PostgreSQL 13: the database owner may create it.
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "DROP INDEX IF EXISTS searchdoc_tsv",
    "CREATE INDEX searchdoc_tsv ON search_searchdoc USING gin (tsv, (letter_id + 0))",
    f"""
    CREATE OR REPLACE FUNCTION warkat_search_newest(q tsquery, lim integer)
    RETURNS TABLE (letter_id bigint, rank real)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    ROWS 300
    SET search_path = pg_catalog, pg_temp
    SET enable_seqscan = off
    SET enable_indexscan = off
    AS $$
    DECLARE
        t bigint := {TENANT};
        top bigint;
        hi bigint;
        lo bigint;
        span bigint := greatest(lim, 1)::bigint * 2;
        got integer := 0;
        n integer;
        seen numeric;
    BEGIN
        IF t IS NULL OR lim < 1 THEN
            RETURN;
        END IF;
        -- The b-tree's last entry (index scans are off for the windows only;
        -- the function's SET clause restores the caller's settings on return).
        PERFORM set_config('enable_indexscan', 'on', true);
        SELECT max(s.letter_id) + 1 INTO top FROM public.search_searchdoc s;
        PERFORM set_config('enable_indexscan', 'off', true);
        IF top IS NULL THEN
            RETURN;
        END IF;
        hi := top;
        LOOP
            -- Matches still expected below ``hi`` at the density seen so far.
            seen := (got + 1)::numeric / greatest(top - hi, 1) * hi;
            IF hi < top AND seen <= 4 * lim THEN
                RETURN QUERY EXECUTE $q${REST}$q$ USING q, 0::bigint, hi, t, lim - got;
                RETURN;
            END IF;
            lo := greatest(hi - span, 0);
            RETURN QUERY EXECUTE $q${WINDOW}$q$ USING q, lo, hi, t, lim - got;
            GET DIAGNOSTICS n = ROW_COUNT;
            got := got + n;
            EXIT WHEN got >= lim OR lo <= 0;
            hi := lo;
            IF got = 0 THEN
                span := (top - hi) * 8;
            ELSE
                span := least(
                    (top - hi) * 8,
                    greatest(
                        lim::bigint,
                        ceil((lim - got) * 1.5 * (top - hi) / got)::bigint
                    )
                );
            END IF;
        END LOOP;
    END
    $$
    """,
]
PG_BACKWARD = [
    "DROP FUNCTION IF EXISTS warkat_search_newest(tsquery, integer)",
    "DROP INDEX IF EXISTS searchdoc_tsv",
    "CREATE INDEX searchdoc_tsv ON search_searchdoc USING gin (tsv)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_bounded_search")]

    operations = [postgresql_only(PG_FORWARD, PG_BACKWARD)]
