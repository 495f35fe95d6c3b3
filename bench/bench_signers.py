"""Signers on one number counter through the real signing path, on PostgreSQL.

    DATABASE_URL=postgres://… python -m bench.bench_signers [--signers 8] [--each 4]

``bench_numbering`` measures the counter lock alone; this one measures what a signer
sees: ``--signers`` processes, each with its own database connection, call
``drafting.sending.letter_sign`` (number, render, PAdES signature with the tenant's
own TSA, storage, delivery rows) at the same moment, ``--each`` letters each, all
letters of one naskah type from one unit, so all of them take numbers from one
counter. Reported: letters signed per second, p50/p95 seconds per signing, how long
each signing kept the counter row locked (from taking the number to the commit),
and the register check (sequences 1…N, no duplicate, no gap, every letter signed once).

Everything happens in a throw-away database (Django's test-database machinery:
``test_<name>``, migrated at the start and dropped at the end), never in the
database named by ``DATABASE_URL``: the bench changes no data it does not own. The
signer is unlocked (TOTP + passphrase) once up front: that step runs before any
transaction in the signing path, and an authenticator code is single-use.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The test organisation's dates are valid on this day (see the letters tests).
NOW = dt.datetime(2026, 11, 4, 1, 0, tzinfo=dt.UTC)


@dataclass
class SignRun:
    signers: int
    letters: int
    seconds: float
    latencies_s: list[float]
    lock_ms: list[float]
    duplicates: int
    gaps: int
    unsigned: int
    #: "now", or "before": the search index refreshed after every write of a
    #: signing (no ``core.coalesce`` block) and one lock of the audit chain head
    #: per event, as before the change.
    mode: str = "now"
    #: CPU milliseconds per signature of the signer processes (Python) and of
    #: their PostgreSQL backends (read from /proc, same machine), and database
    #: queries per signature.
    cpu_ms: float = 0.0
    db_cpu_ms: float = 0.0
    queries: float = 0.0

    def row(self) -> list[str]:
        lat = sorted(self.latencies_s)
        p95 = lat[int(0.95 * (len(lat) - 1))] if lat else 0.0
        return [
            self.mode,
            str(self.signers),
            str(self.letters),
            f"{self.seconds:.1f}",
            f"{self.letters / self.seconds:.2f}" if self.seconds else "-",
            f"{statistics.median(lat):.2f}" if lat else "-",
            f"{p95:.2f}",
            f"{statistics.median(self.lock_ms):.0f}" if self.lock_ms else "-",
            f"{max(self.lock_ms):.0f}" if self.lock_ms else "-",
            str(self.duplicates),
            str(self.gaps),
            str(self.unsigned),
            f"{self.cpu_ms:.1f}",
            f"{self.db_cpu_ms:.1f}" if self.db_cpu_ms >= 0 else "-",
            f"{self.queries:.0f}",
        ]


HEADERS = [
    "mode", "signers", "letters", "seconds", "letters/s", "p50 s", "p95 s",
    "lock p50 ms", "lock max ms", "duplicates", "gaps", "unsigned",
    "CPU ms/sig", "DB CPU ms/sig", "queries/sig",
]  # fmt: skip


def table(runs: list[SignRun]) -> str:
    from bench.tables import rows_table

    return rows_table(HEADERS, [r.row() for r in runs])


def signer(o: Any) -> tuple[Any, Any]:
    """The kadis' user with a certificate, unlocked once (see the module docstring)."""
    from warkat.demo.accounts import demo_totp_code
    from warkat.drafting.tests.factories import PASSPHRASE, signer_ready
    from warkat.signing.documents import signer_unlock

    user = signer_ready(o)
    credential = signer_unlock(
        tenant=o.tenant, signer_person=user.person, signer_user=user,
        passphrase=PASSPHRASE, otp=demo_totp_code(),
    )  # fmt: skip
    return user, credential


def _audit_one_by_one(*, tenant: Any, entries: list[Any]) -> list[Any]:
    """``audit_records`` as it was before: one ``audit_record`` (one lock and
    one update of the chain head) per event."""
    from dataclasses import fields

    from warkat.audit.services import audit_record

    return [
        audit_record(tenant=tenant, **{f.name: getattr(e, f.name) for f in fields(e)})
        for e in entries
    ]


def backend_cpu_s() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend process
    (user + system, from ``/proc``; -1 when the server is not on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sign_concurrently(
    *, o: Any, user: Any, drafts: list[Any], credential: Any, signers: int,
    mode: str = "now",
) -> SignRun:  # fmt: skip
    """``signers`` processes (forked, each with its own database connection, as
    the web server's workers are) sign ``drafts`` (dealt round-robin) through the
    real ``letter_sign``; then check the register."""
    from contextlib import ExitStack, nullcontext
    from unittest import mock

    from django.db import connection, connections, transaction

    from warkat.drafting import sending
    from warkat.drafting.models import Draft, NumberEntry
    from warkat.tenancy.scope import tenant_scope

    context = multiprocessing.get_context("fork")
    results: Any = context.Queue()
    barrier = context.Barrier(signers)
    shares = [drafts[i::signers] for i in range(signers)]
    real_next = sending.counter_next

    def sign_share(mine: list[Any]) -> None:
        times: list[float] = []
        held: list[float] = []

        def timed_next(**kw: Any) -> int:
            # How long the counter row stays locked: from taking it to the commit.
            taken = time.perf_counter()
            number = real_next(**kw)
            transaction.on_commit(
                lambda: held.append((time.perf_counter() - taken) * 1000)
            )
            return number

        error = ""
        queries = [0]

        def counted(execute: Any, *args: Any) -> Any:
            queries[0] += 1
            return execute(*args)

        before = ExitStack()
        if mode == "before":
            before.enter_context(mock.patch.object(sending, "coalesced", nullcontext))
            before.enter_context(
                mock.patch.object(sending, "already_fresh", nullcontext)
            )
            before.enter_context(
                mock.patch.object(sending, "audit_records", _audit_one_by_one)
            )
        cpu = time.process_time()
        db_cpu = backend_cpu_s()
        try:
            with (
                mock.patch.object(sending, "signer_unlock", return_value=credential),
                mock.patch.object(sending, "counter_next", timed_next),
                before,
                connection.execute_wrapper(counted),
                tenant_scope(o.tenant),
            ):
                barrier.wait()
                for draft in mine:
                    start = time.perf_counter()
                    sending.letter_sign(
                        actor=user, draft=draft, passphrase="-", otp="-"
                    )
                    times.append(time.perf_counter() - start)
        except BaseException as exc:  # reported by the parent
            error = repr(exc)
        cpu = time.process_time() - cpu
        db_end = backend_cpu_s()
        db_cpu = db_end - db_cpu if db_cpu >= 0 and db_end >= 0 else -1.0
        results.put((times, held, error, cpu, queries[0], db_cpu))
        results.close()
        results.join_thread()  # flushed before the child ends without clean-up
        connections.close_all()
        os._exit(0)

    connections.close_all()  # the children open their own
    children = [context.Process(target=sign_share, args=(s,)) for s in shares]
    started = time.perf_counter()
    for child in children:
        child.start()
    latencies: list[float] = []
    held: list[float] = []
    errors: list[str] = []
    cpu_s = 0.0
    db_cpu_s = 0.0
    queries = 0
    for _child in children:
        times, locks, error, cpu, count, db_cpu = results.get(timeout=3600)
        latencies.extend(times)
        held.extend(locks)
        cpu_s += cpu
        db_cpu_s = db_cpu_s + db_cpu if db_cpu >= 0 and db_cpu_s >= 0 else -1.0
        queries += count
        if error:
            errors.append(error)
    seconds = time.perf_counter() - started
    for child in children:
        child.join()
    if errors:
        raise RuntimeError(f"{len(errors)} signer(s) failed: {errors[0]}")
    ids = [d.pk for d in drafts]
    sequences = list(
        NumberEntry.objects.filter(letter__draft__in=ids).values_list(
            "sequence", flat=True
        )
    )
    unsigned = Draft.objects.filter(pk__in=ids, signed_document__isnull=True).count()
    return SignRun(
        signers=signers, letters=len(drafts), seconds=seconds, latencies_s=latencies,
        lock_ms=held,
        duplicates=len(sequences) - len(set(sequences)),
        gaps=len(set(range(min(sequences, default=1), max(sequences, default=0) + 1))
                 - set(sequences)),
        unsigned=unsigned, mode=mode, cpu_ms=1000 * cpu_s / max(len(drafts), 1),
        db_cpu_ms=1000 * db_cpu_s / max(len(drafts), 1) if db_cpu_s >= 0 else -1.0,
        queries=queries / max(len(drafts), 1),
    )  # fmt: skip


def runs_all(
    *, signers: list[int], each: int, then: Callable[..., Any] | None = None,
    modes: tuple[str, ...] = ("now",),
) -> list[SignRun]:  # fmt: skip
    """Build the organisation, then per entry of ``signers`` and of ``modes`` the
    letters, signed concurrently (in the current database: the caller provides a
    throw-away one).
    The runs follow each other on the same counter; ``then(o=, user=,
    credential=)`` runs last, in the same organisation, storage and clock."""
    import time_machine

    from bench.scratch import scratch_media
    from warkat.letters.tests.factories import build_org
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    with (
        scratch_media(),
        time_machine.travel(NOW, tick=True),
    ):
        tenant = tenant_create(region_code="91.11", actor=None, build_regions=False)
        with tenant_scope(tenant):
            o = build_org(tenant)
            from warkat.drafting.tests.factories import approved

            user, credential = signer(o)
            out = []
            for n in signers:
                for mode in modes:
                    drafts = [
                        approved(o, subject=f"Surat uji {i + 1}")
                        for i in range(n * each)
                    ]
                    out.append(
                        sign_concurrently(
                            o=o,
                            user=user,
                            drafts=drafts,
                            credential=credential,
                            signers=n,
                            mode=mode,
                        )
                    )
            if then is not None:
                then(o=o, user=user, credential=credential)
            return out


def main(argv: list[str] | None = None) -> list[SignRun]:
    from bench.scratch import django_for_signing

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signers", type=int, nargs="*", default=[1, 8])
    parser.add_argument("--each", type=int, default=4, help="letters per signer")
    args = parser.parse_args(argv)
    # Only the signing is timed: the queued delivery and page pictures are kept
    # in memory, not run in the signer's thread (the immediate backend would).
    django_for_signing()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    if not settings.IS_POSTGRES:
        raise SystemExit(
            "bench_signers needs PostgreSQL: set DATABASE_URL=postgres://…"
        )
    old = setup_databases(verbosity=0, interactive=False)
    try:
        runs = runs_all(signers=args.signers, each=args.each)
    finally:
        teardown_databases(old, verbosity=0)
    print("Signing: concurrent signers on one counter, real letter_sign (PostgreSQL)")
    print(table(runs))
    if any(r.duplicates or r.gaps or r.unsigned for r in runs):
        raise SystemExit("signing broke: duplicates, gaps or unsigned letters")
    return runs


if __name__ == "__main__":
    main()
