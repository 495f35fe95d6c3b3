"""The full-text side of the index, per database.

PostgreSQL: a generated ``tsv`` column (``simple`` config over the Python-made
tokens, head weighted A, sender B, body D), its GIN index, and ``warkat_search_match``, a
security-definer function that reads the index as the table's owner (so the GIN
index is used: under a row-level policy PostgreSQL will not use an index for the
non-leakproof ``@@``) and applies the tenant rule of the policies itself.

SQLite: an FTS5 table over the same tokens (columns sender, head, body), kept in
step by triggers.
"""

from django.db import migrations

PG_FORWARD = [
    """
    ALTER TABLE search_searchdoc ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, head), 'A')
        || setweight(to_tsvector('simple'::regconfig, sender), 'B')
        || setweight(to_tsvector('simple'::regconfig, body), 'D')
    ) STORED
    """,
    # Small (a few dozen tokens), stored in line: ranking reads it, never the
    # file texts' kilobytes out of line.
    """
    ALTER TABLE search_searchdoc ADD COLUMN rank_tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, head || ' ' || sender)
    ) STORED
    """,
    "CREATE INDEX searchdoc_tsv ON search_searchdoc USING gin (tsv)",
    """
    CREATE FUNCTION warkat_search_match(q tsquery)
    RETURNS TABLE (letter_id bigint, rank real)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
        -- The tenant of the session's scope, exactly as the row-level policies read
        -- it; "all" (all_tenants) and an empty setting find nothing. Ranked on the
        -- head and sender (numbers, subject, summary, notes): ranking on the whole
        -- vector would read every matching file text (kilobytes, out of line);
        -- a match in the files only adds a small constant.
        SELECT d.letter_id, ts_rank(d.rank_tsv, q) + 0.01::real
        FROM public.search_searchdoc d
        WHERE d.tenant_id = (
            SELECT CASE WHEN s ~ '^[0-9]+$' THEN s::bigint END
            FROM current_setting('warkat.tenant_id', true) AS s
        )
        AND d.tsv @@ q
    $$
    """,
]
PG_BACKWARD = [
    "DROP FUNCTION IF EXISTS warkat_search_match(tsquery)",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS rank_tsv",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS tsv",
]
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        sender, head, body, content='search_searchdoc', content_rowid='id',
        tokenize='unicode61'
    )
    """,
    """
    CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdoc BEGIN
        INSERT INTO search_fts(rowid, sender, head, body)
        VALUES (new.id, new.sender, new.head, new.body);
    END
    """,
    """
    CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdoc BEGIN
        INSERT INTO search_fts(search_fts, rowid, sender, head, body)
        VALUES ('delete', old.id, old.sender, old.head, old.body);
    END
    """,
    """
    CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdoc BEGIN
        INSERT INTO search_fts(search_fts, rowid, sender, head, body)
        VALUES ('delete', old.id, old.sender, old.head, old.body);
        INSERT INTO search_fts(rowid, sender, head, body)
        VALUES (new.id, new.sender, new.head, new.body);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
