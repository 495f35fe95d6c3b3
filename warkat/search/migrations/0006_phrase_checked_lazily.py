"""A phrase's candidates checked for adjacency newest first, only as far as needed.

GIN keeps no word positions: for ``tsv @@ 'jalan <-> trans <-> papua'`` the index
finds the letters holding all three words, and each is then rechecked against its
whole vector (17.6 KiB for 2,000 words of file text, out of line in TOAST) before
the window's newest ``lim`` are kept, so every candidate of the window is read.

``warkat_search_newest`` now takes ``words``: the same query with each phrase's
adjacency dropped (every word of it required), which the caller makes from the
parsed query. Given it, a window reads its candidates from the index by ``words``
(an exact match: no recheck, no vector read), sorts them by id with their vectors
still out of line, and checks the phrase (``q``) on them newest first until it has
``lim - got``: the candidates below the last one needed are never read. Without
``words`` (a query with no phrase) the windows are what 0005 made them. The answer
is the same; ``q`` is always the last word on a row, so a ``words`` that is not
the phrase's could only lose hits, never add any.

On 20,000 letters of 2,000 words (phrase in 1 %, its words apart in another 1 %),
the newest 150 of the phrase: 11.4-15.4 ms and 2,666 buffers as one recheck, 2.9-7.1
ms and 2,032 buffers checked lazily.
"""

import importlib

from django.db import migrations

from warkat.search.migrations._pg import postgresql_only

_0004 = importlib.import_module("warkat.search.migrations.0004_newest_window")
_0005 = importlib.import_module("warkat.search.migrations.0005_window_upper_bound_filter")


def _lazy(statement: str) -> str:
    """``statement`` (a window or the rest, of ``q``) reading candidates by ``$6``
    and checking ``q`` on them in id order, newest first, until ``LIMIT $5``."""
    head, _, tail = statement.partition("FROM public.search_searchdoc d")
    where, _, order = tail.partition("ORDER BY d.letter_id DESC LIMIT $5")
    assert head and where and order == "\n" and "d.tsv @@ $1" in where
    return (
        "\n    SELECT c.letter_id, ts_rank(c.rank_tsv, $1) + 0.01::real FROM (\n"
        "        SELECT d.letter_id, d.tsv, d.rank_tsv FROM public.search_searchdoc d"
        + where.replace("d.tsv @@ $1", "d.tsv @@ $6")
        + "        ORDER BY d.letter_id DESC OFFSET 0\n"
        "    ) c WHERE c.tsv @@ $1 LIMIT $5\n"
    )


WINDOW = _0004.WINDOW.replace(_0005.INDEX_KEY, _0005.ROW_FILTER)
OLD_CALLS = {
    "window": f"$q${WINDOW}$q$ USING q, lo, hi, t, lim - got;",
    "rest": f"$q${_0004.REST}$q$ USING q, 0::bigint, hi, t, lim - got;",
}
NEW_CALLS = {
    "window": "window_sql USING q, lo, hi, t, lim - got, words;",
    "rest": "rest_sql USING q, 0::bigint, hi, t, lim - got, words;",
}
DECLARE = "        seen numeric;\n"
CHOICE = (
    DECLARE
    + "        window_sql text := CASE WHEN words IS NULL"
    + f" THEN $q${WINDOW}$q$ ELSE $q${_lazy(WINDOW)}$q$ END;\n"
    + "        rest_sql text := CASE WHEN words IS NULL"
    + f" THEN $q${_0004.REST}$q$ ELSE $q${_lazy(_0004.REST)}$q$ END;\n"
)
OLD_SIGNATURE = "warkat_search_newest(q tsquery, lim integer)"
NEW_SIGNATURE = "warkat_search_newest(q tsquery, lim integer, words tsquery DEFAULT NULL)"

AFTER = _0005.AFTER.replace(OLD_SIGNATURE, NEW_SIGNATURE).replace(DECLARE, CHOICE)
for kind in OLD_CALLS:
    assert OLD_CALLS[kind] in AFTER, kind
    AFTER = AFTER.replace(OLD_CALLS[kind], NEW_CALLS[kind])
assert NEW_SIGNATURE in AFTER and "window_sql text" in AFTER

FORWARD = ["DROP FUNCTION IF EXISTS warkat_search_newest(tsquery, integer)", AFTER]
BACKWARD = [
    "DROP FUNCTION IF EXISTS warkat_search_newest(tsquery, integer, tsquery)",
    _0005.AFTER,
]


class Migration(migrations.Migration):
    dependencies = [("search", "0005_window_upper_bound_filter")]

    operations = [postgresql_only(FORWARD, BACKWARD)]
