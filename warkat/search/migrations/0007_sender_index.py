"""The inbox's sender filter reads an index of its own, and checks letter by letter
when the sender is common.

``warkat_search_match(q:B)`` (0002) found a sender's letters through the main GIN
index: it holds no weights, so each letter whose vector holds the word anywhere
was rechecked against its whole vector (kilobytes of file text, out of line), and
all the matches came back however many, to be joined to the inbox. A sender on
every letter meant a million rechecks for a page of 25.

Now ``searchdoc_sender`` indexes the sender's tokens alone (a few words, in line;
no recheck but for a phrase). ``warkat_search_senders(q, lim)`` returns up to
``lim`` matching letter ids of the scope's tenant from it; when there are more
than the caller's bound the inbox, read newest first through its own index, asks
``warkat_search_sender_is(letter, q)`` of each letter until its page is full.
Both are security definers like the other search functions: they apply the
policies' tenant rule themselves and return ids or a yes/no only.
"""

from django.db import migrations

from warkat.search.migrations._pg import postgresql_only

TENANT = """(
    SELECT CASE WHEN s ~ '^[0-9]+$' THEN s::bigint END
    FROM current_setting('warkat.tenant_id', true) AS s
)"""
SENDER = "to_tsvector('simple'::regconfig, d.sender)"

PG_FORWARD = [
    "CREATE INDEX searchdoc_sender ON search_searchdoc "
    "USING gin (to_tsvector('simple'::regconfig, sender))",
    f"""
    CREATE FUNCTION warkat_search_senders(q tsquery, lim integer)
    RETURNS TABLE (letter_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    ROWS 1000
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT d.letter_id FROM public.search_searchdoc d
        WHERE {SENDER} @@ q AND d.tenant_id = {TENANT}
        LIMIT greatest(lim, 0)
    $$
    """,
    f"""
    CREATE FUNCTION warkat_search_sender_is(letter bigint, q tsquery)
    RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT EXISTS (
            SELECT 1 FROM public.search_searchdoc d
            WHERE d.letter_id = letter AND d.tenant_id = {TENANT} AND {SENDER} @@ q
        )
    $$
    """,
]
PG_BACKWARD = [
    "DROP FUNCTION IF EXISTS warkat_search_sender_is(bigint, tsquery)",
    "DROP FUNCTION IF EXISTS warkat_search_senders(tsquery, integer)",
    "DROP INDEX IF EXISTS searchdoc_sender",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0006_phrase_checked_lazily")]

    operations = [postgresql_only(PG_FORWARD, PG_BACKWARD)]
