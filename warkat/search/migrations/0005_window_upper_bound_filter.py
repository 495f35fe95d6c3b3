"""The window's upper bound checked on each row, not read from the index.

``warkat_search_newest`` (0004) asked the GIN index for ``letter_id + 0 >= lo`` and
``letter_id + 0 < hi``. GIN reads each key's entries separately and intersects
them, so ``< hi`` read every letter id below the window: for the first window
(the newest letters) that is nearly the whole id column, about 1,000 index pages
at 100,000 letters, ten times that at a million. The lower bound alone reads only
the ids from the window upwards; the upper bound is then a filter on the rows it
finds (written ``letter_id + 1 <= hi``, an expression no index has, so the planner
cannot turn it back into an index key). The same rows, in the same order.
"""

import importlib

from django.db import migrations

from warkat.search.migrations._pg import postgresql_only

_0004 = importlib.import_module("warkat.search.migrations.0004_newest_window")

INDEX_KEY = "AND (d.letter_id + 0) < $3"
ROW_FILTER = "AND (d.letter_id + 1) <= $3"
BEFORE = _0004.PG_FORWARD[3]
AFTER = BEFORE.replace(INDEX_KEY, ROW_FILTER)
assert INDEX_KEY in BEFORE and ROW_FILTER in AFTER


class Migration(migrations.Migration):
    dependencies = [("search", "0004_newest_window")]

    operations = [postgresql_only([AFTER], [BEFORE])]
