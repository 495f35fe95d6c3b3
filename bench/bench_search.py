"""Search benchmark (issue 13): p50/p95 server time of ``GET /api/v1/search`` as the
app role under row-level security, for a common word, a rare word, a phrase and a
letter number, against the previous design (a full-text match or ``ILIKE`` straight
on the table, which the policy turns into a scan), plus the index's build time and
size.

    createdb -h 127.0.0.1 -U postgres warkat_bench_search
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/warkat_bench_search \\
        python -m bench.bench_search --letters 100000 --words 2000

PostgreSQL only, in its own database. The letters are made as the owner by
``bench.generate`` (or found: a copy of the shared million-letter dataset), then one
index row per letter with ``--words`` words of attachment text by
``bench.search_corpus`` (its docstring says how, and what it shortcuts), the GIN
index built once after the load and timed. Requests are then made as ``--role``
(created ``NOSUPERUSER NOBYPASSRLS`` if missing) with ``SET LOCAL ROLE`` inside a
transaction that is rolled back: nothing measured is changed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from bench.run import Result, _load, _role, measure, print_table, signed_in_client
from bench.search_corpus import backend_cpu_ns, build_gin, load, load_figures, verify
from bench.search_summary import CpuResult, TimedOut, summary


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


def _sizes() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_table_size('search_searchdoc')), "
            "pg_size_pretty(pg_relation_size('searchdoc_tsv')), "
            "pg_size_pretty(pg_total_relation_size('search_searchdoc'))"
            ", pg_size_pretty(pg_database_size(current_database()))"
        )
        table, gin, total, database = cursor.fetchone()
    return {
        "table (with TOAST)": table,
        "GIN index": gin,
        "total": total,
        "database": database,
    }


def _letter_number(tenant: Any) -> str:
    """The number of the letter in the middle of the indexed ones."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.number FROM letters_letter l JOIN search_searchdoc d "
            "ON d.letter_id = l.id WHERE d.tenant_id = %s AND l.number <> '' "
            "ORDER BY l.id OFFSET (SELECT count(*) / 2 FROM search_searchdoc "
            "WHERE tenant_id = %s) LIMIT 1",
            [tenant.pk, tenant.pk],
        )
        return str(cursor.fetchone()[0])


@contextmanager
def plain_static() -> Iterator[None]:
    """The page links static files: no ``collectstatic`` manifest needed."""
    from django.conf import settings
    from django.test import override_settings

    plain = "django.contrib.staticfiles.storage.StaticFilesStorage"
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": plain}}
    ):
        yield


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


def _file_texts(tenant_id: int, letter_ids: list[int], role: str) -> int:
    """Give the letters ``letter_ids`` a stored file whose text is their indexed
    body (the corpus keeps it in the index only; the app's snippets read a hit's
    file texts), as the owner in the caller's transaction (rolled back with it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(
            "WITH f AS (INSERT INTO letters_letterfile (storage_name, original_name, "
            "content_type, size, sha256, created_at, kind, letter_id, tenant_id) "
            "SELECT 'bench/' || d.letter_id || '.pdf', 'lampiran.pdf', "
            "'application/pdf', length(d.body), repeat('0', 64), now(), 'attachment', "
            "d.letter_id, d.tenant_id FROM search_searchdoc d "
            "WHERE d.tenant_id = %s AND d.letter_id = ANY(%s) RETURNING id, letter_id) "
            "INSERT INTO ocr_filetext (tenant_id, letter_id, letter_file_id, state, "
            "source, text, pages, searchable_name, attempts, error, created_at, "
            "updated_at) SELECT %s, f.letter_id, f.id, 'done', 'text', d.body, 4, '', "
            "0, '', now(), now() FROM f JOIN search_searchdoc d "
            "ON d.letter_id = f.letter_id AND d.tenant_id = %s",
            [tenant_id, letter_ids, tenant_id, tenant_id],
        )
        count = cursor.rowcount
        cursor.execute(f"SET LOCAL ROLE {role}")
    return count


def _p95(times: list[float]) -> float:
    times.sort()
    return times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]


def _statement(
    tenant_id: int,
    sql: str,
    params: list[Any] | None,
    iterations: int,
    timeout_ms: int = 0,
) -> Result:
    """One statement timed alone, as the role in the tenant's scope (the old
    designs: a condition on the table itself, which the row-level policy keeps from
    using any index), stopped after ``timeout_ms`` when given."""
    from django.db import OperationalError, connection, transaction

    times = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('warkat.tenant_id', %s, true)", [str(tenant_id)]
        )
        for _ in range(iterations):
            try:
                with transaction.atomic():
                    if timeout_ms:
                        cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
                    started = time.perf_counter()
                    cursor.execute(sql, params)
                    cursor.fetchall()
                    times.append((time.perf_counter() - started) * 1000)
            except OperationalError:  # canceled by the statement timeout
                return TimedOut(p50_ms=timeout_ms, p95_ms=timeout_ms, queries=(1, 1))
    return Result(p50_ms=statistics.median(times), p95_ms=_p95(times), queries=(1, 1))


def _cpu_timed(
    call: Callable[[], Any], iterations: int, warmup: int, tenant_id: int = 0
) -> CpuResult:
    """CPU milliseconds per call, this process and its database server process
    together: on a loaded machine the time waited for a core is not counted.
    With ``tenant_id``, in that tenant's scope (a statement timed alone: the
    requests timed before it leave the connection's scope empty)."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    if tenant_id:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('warkat.tenant_id', %s, true)", [str(tenant_id)]
            )
    for _ in range(warmup):
        call()
    times, python, database = [], [], []
    for _ in range(iterations):
        py, db = time.process_time_ns(), backend_cpu_ns(pid)
        call()
        py, db = time.process_time_ns() - py, backend_cpu_ns(pid) - db
        python.append(py / 1e6)
        database.append(db / 1e6)
        times.append((py + db) / 1e6)
    return CpuResult(
        p50_ms=statistics.median(times),
        p95_ms=_p95(times),
        queries=(0, 0),
        python_p50=statistics.median(python),
        database_p50=statistics.median(database),
    )


def _timed(
    tenant_id: int, body: Callable[[], Any], iterations: int, warmup: int = 2
) -> Result:
    """``body`` timed alone, in the tenant's scope (as the role already set);
    the statements it sends are counted."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('warkat.tenant_id', %s, true)", [str(tenant_id)]
        )
    for _ in range(warmup):
        body()
    return timed_calls(body, iterations)


def timed_calls(body: Callable[[], Any], iterations: int) -> Result:
    """Wall-clock p50/p95 of ``iterations`` calls of ``body`` and the range of the
    statements each sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    counts = []
    for _ in range(iterations):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            body()
            times.append((time.perf_counter() - started) * 1000)
        counts.append(len(captured.captured_queries))
    return Result(
        p50_ms=statistics.median(times),
        p95_ms=_p95(times),
        queries=(min(counts), max(counts)),
    )


def _visible_sql(user: Any) -> tuple[str, Any]:
    from warkat.letters.access import letters_visible
    from warkat.letters.models import Letter
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(user.tenant):
        visible = letters_visible(user, Letter.objects.all()).values("pk")
        return visible.query.sql_with_params()


def _new_statements(user: Any, q: str, visible: tuple[str, Any]) -> None:
    """The search statement of a request (the newest matches, window by window,
    joined to the visible letters, with the facets' facts of each hit)."""
    from warkat.search.engine import newest_hits
    from warkat.search.selectors import COUNT_CAP
    from warkat.search.text import parse_query

    found = newest_hits(
        parse_query(q),
        tenant_id=user.tenant_id,
        visible=visible,
        limit=COUNT_CAP + 1,
        facts=True,
    )
    if not found:
        raise RuntimeError(f"no hit for {q!r}: is the tenant's scope set?")


def _bounded_statements(user: Any, q: str, visible: tuple[str, Any]) -> None:
    """The previous (0003) design's statements: the count of matches up to
    ``FEW_MATCHES`` + 1, then the few matches joined to the visible letters, or the
    newest visible letters checked one by one."""
    from django.db import connection

    from warkat.search.engine import fallback_hits_sql
    from warkat.search.selectors import COUNT_CAP
    from warkat.search.text import parse_query, pg_tsquery

    sql, params = fallback_hits_sql(
        pg_tsquery(parse_query(q)),
        visible=visible,
        limit=COUNT_CAP + 1,
        using="default",
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


def _plan(tenant_id: int, query: str, span: int) -> str:
    """The first window's statement of ``warkat_search_newest``, as its owner runs
    it (the role sees only a "Function Scan": the plan inside is not shown)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        cursor.execute("SELECT max(letter_id) + 1 FROM search_searchdoc")
        top = cursor.fetchone()[0]
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT d.letter_id, "
            "ts_rank(d.rank_tsv, q) FROM search_searchdoc d, "
            "to_tsquery('simple', %s) q WHERE d.tsv @@ q "
            "AND (d.letter_id + 0) >= %s::bigint AND (d.letter_id + 1) <= %s::bigint "
            "AND d.tenant_id = %s "
            "ORDER BY d.letter_id DESC LIMIT %s",
            [query, top - span, top, tenant_id, span],
        )
        plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    return plan


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
    parser.add_argument(
        "--indexed", type=int, default=0, help="index the newest N letters (0: all)"
    )
    parser.add_argument(
        "--timeout", type=int, default=30_000, help="ms allowed to an old design"
    )
    parser.add_argument(
        "--build-only", action="store_true", help="make the data, measure nothing"
    )
    parser.add_argument(
        "--no-file-texts",
        action="store_true",
        help="measure without giving the first page's hits a stored file text",
    )
    parser.add_argument(
        "--skip-old",
        action="store_true",
        help="time the request, the page and the search statement only",
    )
    parser.add_argument("--workers", type=int, default=2, help="loading processes")
    parser.add_argument("--batch", type=int, default=5_000, help="letters per batch")
    parser.add_argument("--chunks", type=int, default=20_000, help="text pieces")
    parser.add_argument("--nice", type=int, default=19, help="priority of the build")
    parser.add_argument("--maintenance-mem", default="1GB", help="for the GIN build")
    args = parser.parse_args(argv)

    from django.db import connection
    from django.urls import reverse

    from bench.generate import Shape, tenant_generate
    from warkat.accounts.models import User
    from warkat.search.text import parse_query, pg_tsquery

    if connection.vendor != "postgresql":
        raise SystemExit("bench_search measures PostgreSQL: set DATABASE_URL")
    tenant = tenant_generate(
        shape=Shape(args.people, args.letters, args.letters), log=True
    )
    indexed = min(args.indexed or args.letters, args.letters)
    if _index_rows(tenant.pk) < indexed:
        load(
            tenant_id=tenant.pk,
            words=args.words,
            tail=args.tail,
            newest=indexed,
            chunks=args.chunks,
            batch=args.batch,
            workers=args.workers,
            nice=args.nice,
        )
    timings = build_gin(maintenance_mem=args.maintenance_mem, nice=args.nice)
    built = {**load_figures(tenant.pk), **{k: f"{v:.0f} s" for k, v in timings.items()}}
    if not timings:
        built["GIN index build"] = (
            "before this run, not recorded: see that run's output"
        )
    built.update(verify())
    for what, figure in built.items():
        print(f"  {what}: {figure}", flush=True)
    if args.build_only:
        for what, size in _sizes().items():
            print(f"  {what}: {size}")
        print(f"Done; {_load()}")
        return
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
    # The statements alone: the visible letters' SQL compiled once, as the app
    # keeps it (``search.selectors``).
    visible = _visible_sql(user)

    def api(q: str) -> Callable[[], Any]:
        return lambda: client.get("/api/v1/search", {"q": q})

    page_url = reverse("search:search")

    def page(q: str) -> Callable[[], Any]:
        return lambda: client.get(page_url, {"q": q})

    results: dict[str, list[Result | None]] = {}
    totals: dict[str, int] = {}
    files: dict[str, int] = {}
    olds: dict[str, Callable[[], Any]] = {}
    cpu: dict[str, list[Result | None]] = {}
    for name, q in queries.items():
        tsquery = pg_tsquery(parse_query(q))

        def run(q: str = q, name: str = name) -> list[Result | None]:
            first = client.get("/api/v1/search", {"q": q}).json()
            totals[name] = first["total"]
            if not args.no_file_texts:
                ids = [hit["letter"]["id"] for hit in first["hits"]]
                files[name] = _file_texts(tenant.pk, ids, args.role)
            new_statement = _timed(
                tenant.pk, lambda: _new_statements(user, q, visible), args.iterations
            )
            new = measure(
                api(q),
                iterations=args.iterations,
                warmup=args.warmup,
                expect_status=200,
            )
            on_page = measure(
                page(q),
                iterations=args.iterations,
                warmup=args.warmup,
                expect_status=200,
            )
            cpu[name] = [
                replace(
                    _cpu_timed(api(q), args.iterations, args.warmup),
                    queries=new.queries,
                ),
                replace(
                    _cpu_timed(page(q), args.iterations, args.warmup),
                    queries=on_page.queries,
                ),
                replace(
                    _cpu_timed(
                        lambda: _new_statements(user, q, visible),
                        args.iterations,
                        args.warmup,
                        tenant.pk,
                    ),
                    queries=new_statement.queries,
                ),
            ]
            return [new, on_page, new_statement]

        def run_old(q: str = q, tsquery: str = tsquery, name: str = name) -> Any:
            bounded = _timed(
                tenant.pk,
                lambda: _bounded_statements(user, q, visible),
                args.naive_iterations,
            )
            before = _statement(
                tenant.pk,
                *_before_sql(user, tsquery),
                args.naive_iterations,
                args.timeout,
            )
            cpu[name].append(
                replace(
                    _cpu_timed(
                        lambda: _bounded_statements(user, q, visible),
                        args.naive_iterations,
                        1,
                        tenant.pk,
                    ),
                    queries=bounded.queries,
                )
            )
            old_fts = _statement(
                tenant.pk,
                "SELECT letter_id FROM search_searchdoc WHERE tsv @@ to_tsquery('simple', %s) "
                "ORDER BY ts_rank(tsv, to_tsquery('simple', %s)) DESC LIMIT 20",
                [tsquery, tsquery],
                args.naive_iterations,
                args.timeout,
            )
            old_like = _statement(
                tenant.pk,
                "SELECT l.id FROM letters_letter l WHERE l.subject ILIKE %s OR l.number ILIKE %s "
                "OR EXISTS (SELECT 1 FROM search_searchdoc d WHERE d.letter_id = l.id "
                "AND d.body ILIKE %s) ORDER BY l.id DESC LIMIT 20",
                [f"%{q.strip(chr(34))}%"] * 3,
                args.naive_iterations,
                args.timeout,
            )
            return [bounded, before, old_fts, old_like]

        with plain_static():
            results[name] = _as_app_role(args.role, run)
        olds[name] = run_old
    # The old designs last: their whole-table scans would leave a cold cache.
    for name, later in olds.items():
        cpu[name] += [None] if args.skip_old else []
        results[name] += [None] * 4 if args.skip_old else _as_app_role(args.role, later)
    rows = [(f"{name} ({totals[name]} hits)", r) for name, r in results.items()]
    role = _as_app_role(args.role, _role)
    print(
        f"\nSearch over {args.letters:,} letters ({indexed:,} indexed, the newest), "
        f"{args.words:,} words of file text each, PostgreSQL{role}"
    )
    for what, figure in built.items():
        print(f"  {what}: {figure}")
    for what, size in _sizes().items():
        print(f"  {what}: {size}")
    if files:
        given = ", ".join(f"{name} {count}" for name, count in files.items())
        print(
            f"  stored file texts given to the first page's hits (rolled back): {given}"
        )
    print_table(
        "p50/p95 ms, wall clock; the windowed design (0004): the whole API request, "
        "the search page and its search statements alone; before it: the bounded design (0003: the "
        "count of matches, then the newest visible letters checked one by one), the "
        "design before that (every match ranked, then capped) and the old ones (a "
        f"condition on the table); the older designs {args.naive_iterations} times "
        f"each, stopped after {args.timeout} ms",
        [
            "API (windows)",
            "page",
            "its statements",
            "before: bounded (0003)",
            "all matches ranked",
            "old: @@ on table",
            "old: ILIKE",
        ],
        rows,
    )
    print_table(
        "CPU ms per call (this process and its database server process; p50/p95): "
        "what the machine's load does not inflate",
        ["API (windows)", "page", "its statements", "before: bounded (0003)"],
        [(f"{name} ({totals[name]} hits)", r) for name, r in cpu.items()],
    )
    summary(results, cpu, totals)
    print("\nThe first window (402 ids) as the function's owner runs it, common word:")
    print(_plan(tenant.pk, "koordinasi", 402))
    print(f"\nDone; {_load()}")


if __name__ == "__main__":
    import bench

    bench.bootstrap()
    main()
