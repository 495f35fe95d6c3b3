"""Numbering benchmark: 64 concurrent signers on one counter, on PostgreSQL.

    DATABASE_URL=postgres://… python -m bench.bench_numbering [--signers 64] [--each 20]

Each signer is a thread with its own database connection. Every allocation is one
transaction doing what ``letter_sign`` does around the number: lock the counter row
(``numbering.counter_next``), optionally hold it for ``--hold-ms``, write the register
entry, commit. (Signing no longer holds the lock while rendering and signing, see
``drafting.sending``; ``bench_signers`` measures signers through the real path.) ``--fail`` of the transactions roll back after taking their number, as
a failed signing does. Afterwards the register must hold exactly 1…N with no
duplicate and no gap, and the counter must say N. The bench's own tenant, type and
rows are removed at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from bench.tables import rows_table


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warkat.config.settings")
    import django

    django.setup()


@dataclass
class Run:
    signers: int
    hold_ms: float
    committed: int
    rolled_back: int
    seconds: float
    latencies_ms: list[float]
    duplicates: int
    gaps: int
    counter: int

    def row(self) -> list[str]:
        lat = sorted(self.latencies_ms)
        p95 = lat[int(0.95 * (len(lat) - 1))] if lat else 0.0
        return [
            str(self.signers),
            f"{self.hold_ms:g}",
            str(self.committed),
            str(self.rolled_back),
            f"{self.seconds:.2f}",
            f"{self.committed / self.seconds:.0f}" if self.seconds else "-",
            f"{statistics.median(lat):.1f}" if lat else "-",
            f"{p95:.1f}",
            str(self.duplicates),
            str(self.gaps),
            "ok" if self.counter == self.committed else f"counter {self.counter}",
        ]


class _Rollback(Exception):
    pass


def _bench_tenant() -> Any:
    from warkat.tenancy.models import Tenant
    from warkat.tenancy.services import tenant_create

    tenant = Tenant.objects.order_by("pk").first()
    return tenant or tenant_create(region_code="91.11", actor=None, build_regions=False)


def run_once(*, signers: int, each: int, hold_ms: float, fail: float) -> Run:
    """One measured run on a fresh naskah type (so a fresh counter)."""
    from django.db import connection, transaction

    from warkat.drafting.models import NaskahType, NumberCounter, NumberEntry
    from warkat.drafting.numbering import counter_next
    from warkat.org.models import Unit
    from warkat.tenancy.scope import tenant_scope

    tenant = _bench_tenant()
    with tenant_scope(tenant):
        unit = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
        assert unit is not None, "the bench tenant has no root unit"
        naskah = NaskahType.objects.create(
            tenant=tenant, code=f"bench-{uuid.uuid4().hex[:12]}", name="Bench",
            family="lainnya", layout="judul", template_html="{{ body }}",
        )  # fmt: skip
    latencies: list[float] = []
    rolled_back = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(signers)
    errors: list[BaseException] = []
    rng = random.Random(7)
    fails = [[rng.random() < fail for _j in range(each)] for _i in range(signers)]

    def signer(index: int) -> None:
        mine: list[float] = []
        undone = 0
        try:
            with tenant_scope(tenant):
                barrier.wait()
                for j in range(each):
                    start = time.perf_counter()
                    try:
                        with transaction.atomic():
                            seq = counter_next(
                                tenant=tenant, unit=unit, naskah_type=naskah, year=2026
                            )
                            if hold_ms:
                                time.sleep(hold_ms / 1000)
                            if fails[index][j]:
                                raise _Rollback
                            NumberEntry.objects.create(
                                tenant=tenant, unit=unit, naskah_type=naskah, year=2026,
                                sequence=seq, number=f"BENCH/{seq}", kind="reserved",
                                subject="bench", taken_at="2026-01-01T00:00:00Z",
                            )  # fmt: skip
                        mine.append((time.perf_counter() - start) * 1000)
                    except _Rollback:
                        undone += 1
        except BaseException as exc:  # reported after the run
            errors.append(exc)
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)
                rolled_back[0] += undone

    threads = [threading.Thread(target=signer, args=(i,)) for i in range(signers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} signer(s) failed: {errors[0]!r}")
    with tenant_scope(tenant):
        sequences = list(
            NumberEntry.objects.filter(naskah_type=naskah).values_list(
                "sequence", flat=True
            )
        )
        counter = NumberCounter.objects.get(naskah_type=naskah).last_number
        NumberEntry.objects.filter(naskah_type=naskah).delete()
        NumberCounter.objects.filter(naskah_type=naskah).delete()
        naskah.delete()
    duplicates = len(sequences) - len(set(sequences))
    gaps = len(set(range(1, max(sequences, default=0) + 1)) - set(sequences))
    return Run(
        signers=signers, hold_ms=hold_ms, committed=len(sequences),
        rolled_back=rolled_back[0], seconds=seconds, latencies_ms=latencies,
        duplicates=duplicates, gaps=gaps, counter=counter,
    )  # fmt: skip


HEADERS = [
    "signers", "hold ms", "numbers", "rolled back", "seconds", "numbers/s",
    "p50 ms", "p95 ms", "duplicates", "gaps", "counter",
]  # fmt: skip


def table(runs: list[Run]) -> str:
    return rows_table(HEADERS, [r.row() for r in runs])


def main(argv: list[str] | None = None) -> list[Run]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signers", type=int, default=64)
    parser.add_argument("--each", type=int, default=20, help="allocations per signer")
    parser.add_argument(
        "--hold-ms", type=float, nargs="*", default=[0.0, 5.0],
        help="time each transaction keeps the counter locked (one run per value)",
    )  # fmt: skip
    parser.add_argument("--fail", type=float, default=0.1, help="share rolled back")
    parser.add_argument(
        "--signed-signers", type=int, nargs="*", default=[1, 8],
        help="signers per run through the real signing transactions ([] to skip)",
    )  # fmt: skip
    parser.add_argument("--signed-each", type=int, default=25)
    parser.add_argument("--kill-after", type=float, default=1.0, help="seconds")
    args = parser.parse_args(argv)
    if args.signed_signers:
        # Only the signing is timed: queued deliveries are kept, not run.
        os.environ.setdefault(
            "WARKAT_TASKS_BACKEND", "django.tasks.backends.dummy.DummyBackend"
        )
    _setup_django()
    from django.conf import settings

    if not settings.IS_POSTGRES:
        raise SystemExit(
            "bench_numbering needs PostgreSQL: set DATABASE_URL=postgres://…"
        )
    runs = [
        run_once(signers=args.signers, each=args.each, hold_ms=hold, fail=args.fail)
        for hold in args.hold_ms
    ]
    print(f"Numbering: {args.signers} concurrent signers on one counter (PostgreSQL)")
    print(table(runs))
    bad = [r for r in runs if r.duplicates or r.gaps or r.counter != r.committed]
    if args.signed_signers:
        bad += _signed(args.signed_signers, args.signed_each, args.kill_after)
    if bad:
        raise SystemExit("numbering broke: duplicates, gaps or half-signed letters")
    return runs


def _signed(signers: list[int], each: int, kill_after: float) -> list[Any]:
    """The second part (``numbering_signed``): printed, and what went wrong."""
    import logging

    from bench import bench_signers, numbering_signed

    os.environ.setdefault("WARKAT_TESTING", "1")
    logging.disable(logging.WARNING)
    runs, check = numbering_signed.run(
        signers=signers, each=each, kill_after_s=kill_after
    )
    print()
    print(
        "Signatures on one counter through the real letter_sign transactions "
        "(step 1 number, step 3 record; render and signature made once, outside "
        "any lock) — target 200/s"
    )
    print(bench_signers.table(runs))
    print(
        f"kill -9 of {max(signers)} signers after {kill_after:g} s, "
        f"{check.letters} letters: {check.signed_before_kill} signed, "
        f"{check.pending_at_kill} numbers being signed; duplicates "
        f"{check.duplicates}, gaps {check.gaps}, half-signed {check.half_signed}; "
        f"recovery voided {check.voided_by_recovery}, then "
        f"{check.signed_after_recovery}/{check.letters} signed, gaps "
        f"{check.final_gaps} -> {'ok' if check.ok else 'BROKEN'}"
    )
    bad: list[Any] = [r for r in runs if r.duplicates or r.gaps or r.unsigned]
    return bad if check.ok else [*bad, check]


if __name__ == "__main__":
    main()
