"""Search benchmark (issue 13): p50/p95 server time of ``GET /api/v1/search`` as the
app role under row-level security, for a common word, a rare word, a phrase and a
letter number, against the previous design (a full-text match or ``ILIKE`` straight
on the table, which the policy turns into a scan), plus the index's build time and
size.

    createdb -h 127.0.0.1 -U postgres warkat_bench_search
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/warkat_bench_search \\
        python -m bench.bench_search --letters 100000 --words 2000

PostgreSQL only, in its own database. The data is made as the owner: letters with
dispositions by ``bench.generate``, then one index row per letter whose head holds
the tokens of the letter's own fields and whose body is ``--words`` words of
generated attachment text, written inside PostgreSQL (``generate_series``, a
skewed draw from ``--tail`` made-up words: a few very common, a long rare tail), with
known words planted at known rates: ``koordinasi`` in 30 % of the letters, the phrase
``jalan trans papua`` in 1 %, ``zamrud`` in 0.02 %. The GIN index is dropped during
the load and its build timed. Requests are then made as ``--role`` (created
``NOSUPERUSER NOBYPASSRLS`` if missing) with ``SET LOCAL ROLE`` inside a
transaction that is rolled back: nothing measured is changed.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.run import Result, _load, _role, measure, print_table, signed_in_client

PLANTED = {
    "common word": ("koordinasi", "h.letter_id %% 10 < 3"),
    "phrase": ("jalan trans papua", "h.letter_id %% 100 = 7"),
    "phrase words apart": ("jalan", "h.letter_id %% 20 = 3"),
    "rare word": ("zamrud", "h.letter_id %% 5000 = 11"),
}


def _ensure_role(role: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        cursor.execute(
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}"
        )


def _index_rows(tenant_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_searchdoc WHERE tenant_id = %s", [tenant_id]
        )
        return int(cursor.fetchone()[0])


def build_index(*, tenant: Any, words: int, tail: int) -> dict[str, float]:
    """Write the tenant's index rows (heads tokenised in Python, bodies generated in
    PostgreSQL), then build the GIN index. Returns the timings in seconds."""
    from django.db import connection, transaction

    from warkat.letters.models import Letter
    from warkat.search.text import token_string
    from warkat.tenancy.scope import tenant_scope

    timings: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic(), tenant_scope(tenant), connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS searchdoc_tsv")
        cursor.execute(
            "CREATE TEMP TABLE bench_heads (letter_id bigint, sender text, head text) "
            "ON COMMIT DROP"
        )
        rows = Letter.objects.values_list(
            "pk", "number", "agenda_number", "agenda_year", "sender_institution",
            "sender_name", "subject", "summary",
        )  # fmt: skip
        buffer = io.StringIO()
        for pk, number, agenda, year, inst, name, subject, summary in rows.iterator(
            chunk_size=20_000
        ):
            label = f"{agenda}/{year}" if agenda else ""
            head = token_string(f"{number} {label}", subject, summary)
            buffer.write(f"{pk}\t{token_string(f'{inst} {name}')}\t{head}\n")
        raw = cursor.cursor  # psycopg's own cursor: COPY
        with raw.copy("COPY bench_heads (letter_id, sender, head) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        timings["heads tokenised (Python) and copied"] = time.perf_counter() - started
        started = time.perf_counter()
        planted = " || ".join(
            f"CASE WHEN {rate} THEN ' {token_string(words)}' ELSE '' END"
            for words, rate in PLANTED.values()
        )
        cursor.execute(
            "INSERT INTO search_searchdoc "
            "(tenant_id, letter_id, sender, head, body, updated_at) "
            "SELECT %s, h.letter_id, h.sender, h.head, "
            # Made-up words w0x, w1x, …: w0x is the most frequent, then fewer and
            # fewer (a cube of a uniform draw), a long tail of rare ones.
            "(SELECT string_agg('w' || floor(pow(random(), 3) * %s)::int || 'x', ' ') "
            " FROM generate_series(1, %s + 0 * h.letter_id)) || " + planted + ", now() "
            "FROM bench_heads h",
            [tenant.pk, tail, words],
        )
        timings["bodies generated, tsvectors computed"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("CREATE INDEX searchdoc_tsv ON search_searchdoc USING gin (tsv)")
        timings["GIN index build"] = time.perf_counter() - started
        cursor.execute("VACUUM ANALYZE search_searchdoc")
    return timings


def _sizes() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_table_size('search_searchdoc')), "
            "pg_size_pretty(pg_relation_size('searchdoc_tsv')), "
            "pg_size_pretty(pg_total_relation_size('search_searchdoc'))"
        )
        table, gin, total = cursor.fetchone()
    return {"table (with TOAST)": table, "GIN index": gin, "total": total}


def _letter_number(tenant: Any) -> str:
    from warkat.letters.models import Letter
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        letters = Letter.objects.exclude(number="").order_by("pk")
        return str(letters[letters.count() // 2].number)


def _as_app_role(role: str, body: Callable[[], Any]) -> Any:
    """``body`` inside a rolled-back transaction, as ``role``."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {role}")
        try:
            return body()
        finally:
            transaction.set_rollback(True)


def _statement(
    tenant_id: int, sql: str, params: list[Any] | None, iterations: int
) -> Result:
    """One statement timed alone, as the role in the tenant's scope: the previous
    design's (a condition on the table itself, which the row-level policy keeps from
    using any index), or the search statement of a request as sent."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('warkat.tenant_id', %s, true)", [str(tenant_id)]
        )
        for _ in range(iterations):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return Result(p50_ms=statistics.median(times), p95_ms=p95, queries=(1, 1))


def _timed(tenant_id: int, body: Callable[[], Any], iterations: int) -> Result:
    """``body`` timed alone, in the tenant's scope (as the role already set)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('warkat.tenant_id', %s, true)", [str(tenant_id)]
        )
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        body()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return Result(p50_ms=statistics.median(times), p95_ms=p95, queries=(2, 2))


def _new_statements(user: Any, q: str) -> None:
    """The bounded design's search statements of a request (the count of matches up
    to ``FEW_MATCHES`` + 1, then the newest visible hits)."""
    from django.db import connection

    from warkat.letters.access import letters_visible
    from warkat.letters.models import Letter
    from warkat.search.engine import newest_hits_sql
    from warkat.search.selectors import COUNT_CAP
    from warkat.search.text import parse_query
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(user.tenant):
        visible = letters_visible(user, Letter.objects.all()).values("pk")
        sql, params = newest_hits_sql(
            parse_query(q),
            tenant_id=user.tenant_id,
            visible=visible.query.sql_with_params(),
            limit=COUNT_CAP + 1,
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


def _before_sql(user: Any, tsquery: str) -> tuple[str, list[Any]]:
    """The previous design's statement: every match ranked and joined to the
    visible letters, then paged and counted up to 1,000."""
    from warkat.letters.access import letters_visible
    from warkat.letters.models import Letter
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(user.tenant):
        visible = letters_visible(user, Letter.objects.all()).values("pk")
        v_sql, v_params = visible.query.sql_with_params()
    sql = (
        "SELECT letter_id, rank, COUNT(*) OVER () FROM ("
        "SELECT m.letter_id, m.rank FROM (SELECT letter_id, rank FROM "
        "warkat_search_match(to_tsquery('simple', %s))) m "
        f"WHERE m.letter_id IN ({v_sql}) "
        "ORDER BY m.rank DESC, m.letter_id DESC LIMIT %s) hits "
        "ORDER BY rank DESC, letter_id DESC LIMIT %s OFFSET %s"
    )
    return sql, [tsquery, *v_params, 1001, 20, 0]


def _plan(tenant_id: int, query: str) -> str:
    """The function's statement as its owner runs it (the role sees only a
    "Function Scan": the plan inside a function is not shown)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT letter_id FROM search_searchdoc "
            "WHERE tenant_id = %s AND tsv @@ to_tsquery('simple', %s)",
            [tenant_id, query],
        )
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_search")
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument(
        "--words", type=int, default=2000, help="words of file text per letter"
    )
    parser.add_argument("--tail", type=int, default=50_000, help="made-up words")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--role", default="warkat_app")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--naive-iterations", type=int, default=3)
    args = parser.parse_args(argv)

    from django.db import connection

    from bench.generate import Shape, tenant_generate
    from warkat.accounts.models import User
    from warkat.search.text import parse_query, pg_tsquery

    if connection.vendor != "postgresql":
        raise SystemExit("bench_search measures PostgreSQL: set DATABASE_URL")
    tenant = tenant_generate(
        shape=Shape(args.people, args.letters, args.letters), log=True
    )
    timings: dict[str, float] = {}
    if _index_rows(tenant.pk) < args.letters:
        timings = build_index(tenant=tenant, words=args.words, tail=args.tail)
    _ensure_role(args.role)
    number = _letter_number(tenant)
    queries = {
        "common word": "koordinasi",
        "rare word": "zamrud",
        "phrase": '"jalan trans papua"',
        "letter number": number,
    }
    client = signed_in_client(f"admin.{tenant.slug}")
    user = User.objects.get(username=f"admin.{tenant.slug}")

    def api(q: str) -> Callable[[], Any]:
        return lambda: client.get("/api/v1/search", {"q": q})

    results: dict[str, list[Result | None]] = {}
    totals: dict[str, int] = {}
    for name, q in queries.items():
        tsquery = pg_tsquery(parse_query(q))

        def run(
            q: str = q, tsquery: str = tsquery, name: str = name
        ) -> list[Result | None]:
            totals[name] = client.get("/api/v1/search", {"q": q}).json()["total"]
            new_statement = _timed(
                tenant.pk, lambda: _new_statements(user, q), args.iterations
            )
            before = _statement(tenant.pk, *_before_sql(user, tsquery), args.iterations)
            new = measure(
                api(q),
                iterations=args.iterations,
                warmup=args.warmup,
                expect_status=200,
            )
            old_fts = _statement(
                tenant.pk,
                "SELECT letter_id FROM search_searchdoc WHERE tsv @@ to_tsquery('simple', %s) "
                "ORDER BY ts_rank(tsv, to_tsquery('simple', %s)) DESC LIMIT 20",
                [tsquery, tsquery],
                args.naive_iterations,
            )
            old_like = _statement(
                tenant.pk,
                "SELECT l.id FROM letters_letter l WHERE l.subject ILIKE %s OR l.number ILIKE %s "
                "OR EXISTS (SELECT 1 FROM search_searchdoc d WHERE d.letter_id = l.id "
                "AND d.body ILIKE %s) ORDER BY l.id DESC LIMIT 20",
                [f"%{q.strip(chr(34))}%"] * 3,
                args.naive_iterations,
            )
            return [new, new_statement, before, old_fts, old_like]

        results[name] = _as_app_role(args.role, run)
    rows = [(f"{name} ({totals[name]} hits)", r) for name, r in results.items()]
    role = _as_app_role(args.role, _role)
    print(
        f"\nSearch over {args.letters:,} letters, {args.words:,} words of file text each,"
        f" PostgreSQL{role}"
    )
    for what, seconds in timings.items():
        print(f"  {what}: {seconds:.1f} s")
    for what, size in _sizes().items():
        print(f"  {what}: {size}")
    print_table(
        "p50/p95 ms; the bounded design: the whole API request (queries counted) and "
        "its search statements alone; before: the previous design's statement (every "
        "match ranked and checked, then capped); the old designs: one statement each",
        [
            "API (bounded)",
            "its search statements",
            "before: all matches ranked",
            "old: @@ on table",
            "old: ILIKE",
        ],
        rows,
    )
    print("\nThe function's statement, as its owner runs it (common word):")
    print(_plan(tenant.pk, "koordinasi"))
    print(f"\nDone; {_load()}")


if __name__ == "__main__":
    import bench

    bench.bootstrap()
    main()
