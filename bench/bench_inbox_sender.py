"""Inbox sender filter benchmark (issue 13): ``GET /api/v1/inbox?sender=…`` as the
app role under row-level security, through the search index (the matcher the
search app installs, ``warkat.search.selectors.sender_q``) beside the old design
(the same request with the matcher uninstalled: ``icontains`` on the letter's
sender, which the policy keeps from using any index), stopped after ``--timeout``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/warkat_bench_search \\
        python -m bench.bench_inbox_sender --people 200 --letters 20000

It builds nothing: it finds the tenant ``bench.bench_search`` made with the same
``--people``/``--letters`` (and its index) and stops when there is none. The
inboxes measured are the biggest two: the Bupati's (every generated letter is
addressed to the Bupati) and that of the position receiving the most
dispositions (its holder's user made for the run). Sender words: one on every
generated letter ("kepala", the sender's name), one on a sixth of them ("papua"),
two words on a sixth ("pusat statistik"), a rare one (three letters given the
sender "Yayasan Zamrud Nusantara" for the run) and none. Everything (the user, the
rare senders, the sessions) is made as the owner inside one transaction that is
rolled back; requests run as ``--role`` with ``SET LOCAL ROLE``: nothing is kept.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bench.bench_search import _as_app_role, _cpu_timed, _ensure_role, plain_static
from bench.run import Result, _load, _role, measure, print_table
from bench.search_summary import TimedOut

RARE_SENDER = "Yayasan Zamrud Nusantara"
SENDERS = {
    "every letter": "kepala",
    "a sixth": "papua",
    "two words": "pusat statistik",
    "rare (3 letters)": "zamrud",
    "no filter": "",
}


def _tenant(people: int, letters: int) -> Any:
    from bench.generate import Shape
    from warkat.tenancy.models import Tenant

    slug = Shape(people, letters, letters).slug(1)
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise SystemExit(f"no tenant {slug}: build it with bench.bench_search first")
    return tenant


def _owner(sql: str, params: list[Any], role: str) -> list[tuple[Any, ...]]:
    """``sql`` as the owner in the caller's transaction, then back to ``role``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
        cursor.execute(f"SET LOCAL ROLE {role}")
    return rows


def _disposition_holder(tenant: Any) -> tuple[int, Any]:
    """The position receiving the most dispositions and its definitif holder."""
    from django.db import connection

    from warkat.org.models import Assignment, Person

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_position_id FROM dispositions_disposition WHERE tenant_id = %s "
            "GROUP BY to_position_id ORDER BY count(*) DESC LIMIT 1",
            [tenant.pk],
        )
        position = cursor.fetchone()[0]
    person_id = (
        Assignment.objects.filter(position_id=position, end_date=None)
        .values_list("person_id", flat=True)
        .first()
    )
    return position, Person.objects.get(pk=person_id)


def _users(tenant: Any) -> tuple[dict[str, Any], int]:
    """The Bupati's user and the top disposition recipient's (made if missing, in
    the caller's rolled-back transaction), as the owner, and that position."""
    from warkat.accounts.models import User
    from warkat.accounts.services import password_generate, user_create
    from warkat.org.models import Position
    from warkat.tenancy.scope import tenant_scope

    with tenant_scope(tenant):
        position, person = _disposition_holder(tenant)
        user = User.objects.filter(person=person).first()
        if user is None:
            user, _ = user_create(
                tenant=tenant,
                actor=None,
                username=f"bench.recipient.{tenant.slug}",
                person=person,
                password=password_generate(),
                roles=[("pimpinan", None)],
            )
        users = {
            "Bupati": User.objects.get(username=f"bupati.{tenant.slug}"),
            f"{Position.objects.get(pk=position).name[:24]}": user,
        }
    return users, position


def _rare_senders(tenant: Any, position: int, count: int = 3) -> list[int]:
    """``count`` letters, spread over the ids, disposed to ``position`` (so every
    inbox measured holds them: all letters are the Bupati's), given the sender
    ``RARE_SENDER`` in the letters and in their index entries, as the owner."""
    from django.db import connection

    from warkat.search.text import token_string

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(letter_id), max(letter_id) FROM dispositions_disposition "
            "WHERE tenant_id = %s AND to_position_id = %s",
            [tenant.pk, position],
        )
        low, high = cursor.fetchone()
        ids = []
        for n in range(count):
            cursor.execute(
                "SELECT letter_id FROM dispositions_disposition WHERE tenant_id = %s "
                "AND to_position_id = %s AND letter_id >= %s "
                "ORDER BY letter_id LIMIT 1",
                [tenant.pk, position, low + (high - low) * (n + 1) // (count + 1)],
            )
            ids.append(cursor.fetchone()[0])
        cursor.execute(
            "UPDATE letters_letter SET sender_institution = %s WHERE id = ANY(%s)",
            [RARE_SENDER, ids],
        )
        cursor.execute(
            "UPDATE search_searchdoc SET sender = %s WHERE letter_id = ANY(%s)",
            [token_string(f"{RARE_SENDER} Kepala"), ids],
        )
    return ids


def _matcher(installed: bool) -> Callable[[], None]:
    """Install the search app's matcher, or uninstall it (the old design)."""
    from warkat.letters import inbox
    from warkat.search.selectors import sender_q

    def switch() -> None:
        if installed:
            inbox.sender_match_install(sender_q)
        else:
            inbox._sender_match.clear()

    return switch


def _ids(page: dict[str, Any]) -> list[tuple[str, int]]:
    return [(item["kind"], item["letter"]["id"]) for item in page["items"]]


def _request(client: Any, sender: str) -> Callable[[], Any]:
    return lambda: client.get("/api/v1/inbox", {"sender": sender})


def _old_call(client: Any, sender: str, timeout_ms: int) -> Callable[[], Any]:
    """The request in a savepoint under ``statement_timeout``: a canceled statement
    answers 503/500 and is rolled back to the savepoint (raised as ``TimedOut``)."""
    from django.db import connection, transaction

    def call() -> Any:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
            response = client.get("/api/v1/inbox", {"sender": sender})
            if response.status_code != 200:
                transaction.set_rollback(True)
                raise _Canceled
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")
        return response

    return call


class _Canceled(Exception):
    pass


def _explain(sql: str, timeout_ms: int) -> str:
    """The plan of a statement the request sent, as the role, with the tenant's
    scope as the request set it."""
    from django.db import OperationalError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql.replace("%", "%%")
            )
            return "\n".join(f"    {r[0]}" for r in cursor.fetchall())
    except OperationalError:
        return f"    (stopped after {timeout_ms} ms)"


def _sender_statements(client: Any, sender: str) -> list[str]:
    """The statements of one request that read the sender."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/inbox", {"sender": sender})
    return [
        q["sql"]
        for q in captured.captured_queries
        if "warkat_search_" in q["sql"] or "sender_institution::text)" in q["sql"]
    ]


def _function_plan(tenant_id: int, sender: str, role: str) -> str:
    """The sender matcher's own statement as the function's owner runs it (the
    role sees only a "Function Scan")."""
    from warkat.search.engine import FEW_SENDERS
    from warkat.search.text import parse_query, pg_tsquery

    rows = _owner(
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT d.letter_id "
        "FROM search_searchdoc d WHERE to_tsvector('simple'::regconfig, d.sender) "
        "@@ to_tsquery('simple', %s) AND d.tenant_id = %s LIMIT %s",
        [pg_tsquery(parse_query(sender)), tenant_id, FEW_SENDERS + 1],
        role,
    )
    return "\n".join(f"    {r[0]}" for r in rows)


def _set_tenant(tenant_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('warkat.tenant_id', %s, true)", [str(tenant_id)]
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_inbox_sender")
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--role", default="warkat_app")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--old-iterations", type=int, default=3)
    parser.add_argument(
        "--timeout", type=int, default=30_000, help="ms allowed to the old design"
    )
    parser.add_argument(
        "--skip-old", action="store_true", help="time the index design only"
    )
    args = parser.parse_args(argv)

    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        raise SystemExit("bench_inbox_sender measures PostgreSQL: set DATABASE_URL")
    tenant = _tenant(args.people, args.letters)
    _ensure_role(args.role)
    results: dict[str, list[Result | None]] = {}
    cpu: dict[str, list[Result | None]] = {}
    items: dict[str, int] = {}
    differ: list[str] = []
    plans: list[str] = []

    def run() -> None:
        from django.db import connection as db

        with db.cursor() as cursor:
            cursor.execute("RESET ROLE")
        users, position = _users(tenant)
        clients = {}
        for who, user in users.items():
            clients[who] = Client()
            clients[who].force_login(user)
        ids = _rare_senders(tenant, position)
        with db.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {args.role}")
        plans.append(f"rare sender given to letters {ids} (rolled back)")
        for who, client in clients.items():
            for kind, sender in SENDERS.items():
                name = f"{who}: {kind} {sender!r}" if sender else f"{who}: {kind}"
                _matcher(True)()
                first = client.get("/api/v1/inbox", {"sender": sender}).json()
                items[name] = len(first["items"])
                page = _ids(first)
                request = _request(client, sender)
                new = measure(
                    request,
                    iterations=args.iterations,
                    warmup=args.warmup,
                    expect_status=200,
                )
                new_cpu = replace(
                    _cpu_timed(
                        request,
                        args.iterations,
                        args.warmup,
                    ),
                    queries=new.queries,
                )
                results[name], cpu[name] = [new], [new_cpu]
                if kind == "every letter" or (
                    who == "Bupati" and kind.startswith("rare")
                ):
                    for sql in _sender_statements(client, sender):
                        _set_tenant(tenant.pk)
                        plans.append(
                            f"index design, {name}, as {args.role}:\n"
                            + _explain(sql, args.timeout)
                        )
                if who == "Bupati" and kind == "every letter":
                    plans.append(
                        f"the matcher inside, as the owner, {sender!r}:\n"
                        + _function_plan(tenant.pk, sender, args.role)
                    )
                if args.skip_old or not sender:
                    results[name].append(None)
                    cpu[name].append(None)
                    continue
                _matcher(False)()
                try:
                    old_call = _old_call(client, sender, args.timeout)
                    old = measure(
                        old_call,
                        iterations=args.old_iterations,
                        warmup=1,
                        expect_status=200,
                    )
                    if _ids(old_call().json()) != page:
                        differ.append(name)
                    # Without the two statements setting the timeout.
                    low, high = old.queries
                    old = replace(old, queries=(low - 2, high - 2))
                    old_cpu: Result | None = replace(
                        _cpu_timed(old_call, args.old_iterations, 0),
                        queries=old.queries,
                    )
                    if who == "Bupati" and kind in ("every letter", "rare (3 letters)"):
                        # The old design's plans: a walk, and a whole scan.
                        for sql in _sender_statements(client, sender):
                            _set_tenant(tenant.pk)
                            plans.append(
                                f"old design, {name}, as {args.role}:\n"
                                + _explain(sql, args.timeout)
                            )
                except _Canceled:
                    old = TimedOut(
                        p50_ms=args.timeout, p95_ms=args.timeout, queries=(1, 1)
                    )
                    old_cpu = None
                finally:
                    _matcher(True)()
                results[name].append(old)
                cpu[name].append(old_cpu)

    with plain_static():
        _as_app_role(args.role, run)
    role = _as_app_role(args.role, _role)
    print(
        f"\nInbox sender filter over {args.letters:,} letters "
        f"(tenant {tenant.slug}), PostgreSQL{role}"
    )
    labels = ["index", f"old: icontains (stopped at {args.timeout} ms)"]
    print_table(
        "GET /api/v1/inbox?sender=…: p50/p95 ms, wall clock, and queries per request",
        labels,
        [(f"{name} ({items[name]} items)", r) for name, r in results.items()],
    )
    print_table(
        "CPU ms per request (this process and its database server process; p50/p95)",
        labels,
        [(f"{name} ({items[name]} items)", r) for name, r in cpu.items()],
    )
    print(
        "\nThe old design's first page differs from the index's for: "
        + (", ".join(differ) if differ else "none (the same items, in the same order)")
    )
    for plan in plans:
        print(f"\n{plan}")
    print(f"\nDone; {_load()}")


if __name__ == "__main__":
    import bench

    bench.bootstrap(migrate="--no-migrate" not in sys.argv)
    sys.argv = [a for a in sys.argv if a != "--no-migrate"]
    main()
