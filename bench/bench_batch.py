"""Batch signing benchmark: 50 letters signed in one action with one code.

    python -m bench.bench_batch [--letters 50] [--rounds 2]

In a throw-away test database (Django's test-database machinery, dropped at the
end; SQLite or PostgreSQL from ``DATABASE_URL``), builds the letters tests'
organisation and ``--letters`` approved letters of one naskah type waiting for
the kadis, then signs them, alternating per round:

* before (d1d625c): one ``letter_sign`` per letter, as the pimpinan had to (a
  passphrase and code each time: ``signer_unlock`` per letter), through the
  sign path as it was (``bench_signing._before``) and the renderer's fetcher
  loading the CA store per document;
* now: one ``batches.letters_sign_batch`` call (one unlock, then number, render,
  PAdES B-LT with the tenant's TSA, storage and delivery rows per letter);
* ahead: the same batch on letters rendered ahead (``drafting.ahead``, as the
  "render" task does when a letter is approved; its CPU is reported apart, it
  is not part of the action), so the signing only draws the number in; each
  letter reads everything it needs itself (``_per_letter``: as before the
  batch read what every letter reads alike once, ``core.memo``);
* batched: the same on letters rendered ahead, as the batch runs now: the
  signer's assignment, number format, letterhead, signing settings, certificate
  and CA material read once per batch, and each letter's number taken in the
  previous letter's last transaction (so the "number" part is timed for the
  first letter only, the others' is in "record").

Reported: seconds for the whole action, this process's CPU and (PostgreSQL on
this machine) the CPU of the server process serving it, letters per second, and
where a letter's time goes (render, signature, the three short transactions),
statements per letter, plus the register
check: numbers 1…N per round, no duplicate, no gap, every letter signed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

#: The letters tests' organisation is valid on this day.
NOW = dt.datetime(2026, 11, 4, 1, 0, tzinfo=dt.UTC)
BUDGET_S = 3.0


@contextmanager
def _timed(spent: dict[str, list[float]]) -> Iterator[None]:
    """Time the parts of a letter's signing (module attributes of ``sending``)."""
    from unittest import mock

    from warkat.drafting import sending

    def wrap(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kw: Any) -> Any:
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return real(*args, **kw)
            finally:
                spent[name].append(time.perf_counter() - start)
                spent[f"{name} cpu"].append(time.process_time() - cpu)

        return call

    parts = {
        "ahead": "ahead_take",
        "render": "draft_render",
        "signature": "signature_make",
        "number": "number_take",
        "record": "_signed_record",
    }
    from warkat.drafting import batches

    timed = {attr: wrap(name, getattr(sending, attr)) for name, attr in parts.items()}
    with (
        mock.patch.multiple(sending, **timed),  # type: ignore[call-overload]
        # The batch takes numbers through its own import of ``number_take``.
        mock.patch.object(batches, "number_take", timed["number_take"]),
    ):
        yield


@contextmanager
def _render_before() -> Iterator[None]:
    """Rendering as at d1d625c: the fetcher loaded the system's CA store for
    every document."""
    from unittest import mock

    from warkat.signing import render

    with mock.patch.object(render, "no_network_ssl_context", lambda: None):
        yield


@contextmanager
def _per_letter() -> Iterator[None]:
    """The batch as before this pass: no reads shared by its letters
    (``core.memo``), the type template compiled for each letter, and each letter's
    number taken in a transaction of its own (not in the previous letter's last
    one, ``sending.number_take_next``)."""
    from unittest import mock

    from warkat.drafting import batches, render, sending

    def compiled(source: str) -> Any:
        return render.sandbox().from_string(source)

    with (
        mock.patch.object(batches, "memo_scope", nullcontext),
        mock.patch.object(render, "_compiled", compiled),
        mock.patch.object(sending, "number_take_next", lambda **kw: None),
    ):
        yield


def _numbers_from(draft: Any, last: int) -> None:
    """Start the letters' counter at ``last`` (once), so that the numbers of every
    round have as many digits as the placeholder their letters were rendered
    ahead with (the counter's next number): a letter numbered 10 rendered ahead
    with 1 is rendered again in full, which would make the modes that run first
    look slower."""
    from warkat.drafting.models import NumberCounter
    from warkat.drafting.register import tenant_today
    from warkat.drafting.sending import numbering_unit

    NumberCounter.objects.get_or_create(
        tenant=draft.tenant, unit=numbering_unit(draft.signer_position),
        naskah_type=draft.naskah_type, year=tenant_today(draft.tenant).year,
        defaults={"last_number": last},
    )  # fmt: skip


def _db_cpu() -> float:
    """CPU seconds so far of the PostgreSQL server process serving this
    connection (a server on this machine: ``/proc``); 0 on SQLite or elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _check(drafts: list[Any]) -> tuple[int, int, int]:
    from warkat.drafting.models import Draft, NumberEntry

    ids = [d.pk for d in drafts]
    sequences = list(
        NumberEntry.objects.filter(letter__draft__in=ids).values_list(
            "sequence", flat=True
        )
    )
    unsigned = Draft.objects.filter(pk__in=ids, signed_document__isnull=True).count()
    duplicates = len(sequences) - len(set(sequences))
    span = set(range(min(sequences, default=1), max(sequences, default=0) + 1))
    return duplicates, len(span - set(sequences)), unsigned


def run(*, letters: int, rounds: int, modes: list[str]) -> list[dict[str, Any]]:
    import time_machine
    from django.db import connection

    from bench.bench_signing import _before
    from bench.scratch import scratch_media
    from warkat.demo.accounts import demo_totp_code
    from warkat.drafting import sending
    from warkat.drafting.ahead import render_ahead
    from warkat.drafting.batches import letters_sign_batch
    from warkat.drafting.tests.factories import PASSPHRASE, approved, signer_ready
    from warkat.letters.tests.factories import build_org
    from warkat.tenancy.scope import tenant_scope
    from warkat.tenancy.services import tenant_create

    out = []
    with (
        scratch_media(WARKAT_TSA_URL=""),
        time_machine.travel(NOW, tick=True) as clock,
    ):
        tenant = tenant_create(region_code="91.11", actor=None, build_regions=False)
        with tenant_scope(tenant):
            o = build_org(tenant)
            user = signer_ready(o)
            for round_no in range(rounds):
                for mode in modes:
                    drafts = [
                        approved(o, subject=f"Surat {mode} {round_no}-{n + 1}")
                        for n in range(letters)
                    ]
                    _numbers_from(drafts[0], 100)
                    ahead_cpu = time.process_time()
                    if mode in {"ahead", "batched"}:
                        assert all(render_ahead(draft=d) for d in drafts)
                    ahead_cpu = time.process_time() - ahead_cpu
                    spent: dict[str, list[float]] = defaultdict(list)
                    clock.shift(31)  # a fresh authenticator code
                    queries = [0]

                    def count(execute: Any, *a: Any, queries: Any = queries) -> Any:
                        queries[0] += 1
                        return execute(*a)

                    db_cpu = _db_cpu()
                    start, cpu = time.perf_counter(), time.process_time()
                    with _timed(spent), connection.execute_wrapper(count):
                        if mode in {"now", "ahead", "batched"}:
                            with _per_letter() if mode != "batched" else nullcontext():
                                letters_sign_batch(
                                    actor=user, draft_ids=[d.pk for d in drafts],
                                    passphrase=PASSPHRASE, otp=demo_totp_code(),
                                )  # fmt: skip
                        else:
                            with _before(), _render_before():
                                for d in drafts:
                                    clock.shift(31)  # a code is accepted once
                                    sending.letter_sign(
                                        actor=user, draft=d, passphrase=PASSPHRASE,
                                        otp=demo_totp_code(),
                                    )  # fmt: skip
                    seconds = time.perf_counter() - start
                    cpu = time.process_time() - cpu
                    db_cpu = _db_cpu() - db_cpu
                    duplicates, gaps, unsigned = _check(drafts)
                    out.append(
                        {
                            "mode": mode, "round": round_no, "letters": letters,
                            "seconds": seconds, "cpu": cpu, "db cpu": db_cpu,
                            "duplicates": duplicates,
                            "ahead cpu": ahead_cpu, "queries": queries[0] / letters,
                            "gaps": gaps, "unsigned": unsigned,
                            **{
                                f"{k} ms": 1000 * statistics.median(v)
                                for k, v in spent.items()
                            },
                        }
                    )  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    from bench.scratch import django_for_signing

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--letters", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--modes", nargs="+", default=["before", "now", "ahead", "batched"],
        choices=["before", "now", "ahead", "batched"],
    )  # fmt: skip
    args = parser.parse_args(argv)
    django_for_signing()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases
    from django.urls import get_resolver

    from warkat.core.gcsetup import process_gc_setup

    old = setup_databases(verbosity=0, interactive=False)
    # The collector as the app server's workers set it (the views loaded, then
    # frozen): without it, one batch in three paid a full collection of
    # everything the process had loaded (0.35 s).
    get_resolver().url_patterns  # noqa: B018 - imports the views
    process_gc_setup()
    try:
        rows = run(letters=args.letters, rounds=args.rounds, modes=args.modes)
    finally:
        teardown_databases(old, verbosity=0)
    engine = "PostgreSQL" if settings.IS_POSTGRES else "SQLite"
    print(
        f"Signing {args.letters} letters in one action ({engine}); before: one "
        f"letter_sign per letter, now: one batch (budget {BUDGET_S:.0f} s)"
    )
    parts = ["ahead", "render", "signature", "number", "record"]
    head = ["mode", "round", "seconds", "CPU s", "DB CPU s", "letters/s"]
    head += [f"p50 {p} ms" for p in parts] + [f"CPU {p} ms" for p in parts]
    head += ["queries/letter", "ahead CPU s", "dup", "gaps", "unsigned", "budget"]
    print("  ".join(f"{h:>12}" for h in head))
    for r in rows:
        cells = [r["mode"], str(r["round"]), f"{r['seconds']:.2f}", f"{r['cpu']:.2f}"]
        cells.append(f"{r['db cpu']:.2f}")
        cells.append(f"{r['letters'] / r['seconds']:.1f}")
        cells += [f"{r.get(f'{p} ms', 0):.1f}" for p in parts]
        cells += [f"{r.get(f'{p} cpu ms', 0):.1f}" for p in parts]
        cells.append(f"{r['queries']:.1f}")
        cells.append(f"{r['ahead cpu']:.2f}")
        cells += [str(r["duplicates"]), str(r["gaps"]), str(r["unsigned"])]
        cells.append("ok" if r["seconds"] <= BUDGET_S else "OVER")
        print("  ".join(f"{c:>12}" for c in cells))
    print(
        "seconds and p50 parts are wall-clock; CPU s and the CPU parts (median per "
        "letter) are this process's CPU (the database's is not in it); DB CPU s: the "
        "PostgreSQL server process of the connection (0 on SQLite); ahead CPU s: "
        "rendering the letters ahead, before the action (not in it); load "
        f"average {os.getloadavg()[0]:.2f}"
    )
    if any(r["duplicates"] or r["gaps"] or r["unsigned"] for r in rows):
        raise SystemExit("batch signing broke: duplicates, gaps or unsigned letters")
    return rows


if __name__ == "__main__":
    main()
