"""Numbering under concurrency, on PostgreSQL (real row locks and real connections;
SQLite serialises writers and its test database is not shared). Crashes (kill -9)
are in ``test_durable``, on both databases."""

from __future__ import annotations

import random
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction

from warkat.drafting.models import NumberCounter, NumberEntry
from warkat.drafting.numbering import counter_next
from warkat.letters.models import Letter
from warkat.tenancy.scope import tenant_scope

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not settings.IS_POSTGRES,
        reason="needs PostgreSQL: row locks across connections and a shared test database",
    ),
]


class Rollback(Exception):
    pass


def test_threads_never_share_or_skip_a_number(o: SimpleNamespace) -> None:
    from warkat.drafting.tests.factories import naskah

    surat = naskah(o.tenant)
    taken: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def work(i: int) -> None:
        try:
            with tenant_scope(o.tenant):
                barrier.wait()
                for _j in range(5):
                    try:
                        with transaction.atomic():
                            n = counter_next(
                                tenant=o.tenant,
                                unit=o.dinas,
                                naskah_type=surat,
                                year=2026,
                            )
                            if random.random() < 0.3:
                                # A signing that fails after taking its number.
                                raise Rollback
                            NumberEntry.objects.create(
                                tenant=o.tenant, unit=o.dinas, naskah_type=surat, year=2026,
                                sequence=n, number=f"X/{n}", kind="reserved",
                                taken_at="2026-11-04T01:00:00Z",
                            )  # fmt: skip
                        with lock:
                            taken.append(n)
                    except Rollback:
                        pass
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(taken) == len(set(taken)), "a number was given twice"
    assert sorted(taken) == list(range(1, len(taken) + 1)), "a gap in the sequence"
    assert NumberCounter.objects.get(naskah_type=surat).last_number == len(taken)


def test_concurrent_signers_of_one_counter_through_the_real_path(
    o: SimpleNamespace, frozen: Any
) -> None:
    from bench.bench_signers import sign_concurrently, signer
    from warkat.drafting.tests.factories import approved

    user, credential = signer(o)
    drafts = [approved(o, subject=f"Surat {i}") for i in range(12)]
    run = sign_concurrently(
        o=o, user=user, drafts=drafts, credential=credential, signers=4
    )
    assert (run.duplicates, run.gaps, run.unsigned) == (0, 0, 0)
    entries = NumberEntry.objects.order_by("sequence")
    assert [(e.sequence, e.kind) for e in entries] == [
        (n, "signed") for n in range(1, 13)
    ]
    assert NumberCounter.objects.get().last_number == 12
    numbers = set(
        Letter.objects.filter(draft__in=drafts).values_list("number", flat=True)
    )
    assert len(numbers) == 12


def test_the_counter_is_free_while_the_pdf_is_signed(
    o: SimpleNamespace, frozen: Any, monkeypatch: Any
) -> None:
    """Another signer takes a number of the same counter while this letter's PDF is
    being signed: the counter lock is not held across rendering and signing."""
    from warkat.drafting import sending
    from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready

    user = signer_ready(o)
    d = approved(o)
    taken: list[int] = []
    errors: list[BaseException] = []
    real = sending.signature_make

    def other_signer() -> None:
        try:
            with tenant_scope(o.tenant), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                taken.append(
                    counter_next(
                        tenant=o.tenant,
                        unit=o.dinas,
                        naskah_type=d.naskah_type,
                        year=2026,
                    )
                )
                raise Rollback  # give the number back: only the lock is tested
        except Rollback:
            pass
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def sign_meanwhile(**kw: Any) -> Any:
        thread = threading.Thread(target=other_signer)
        thread.start()
        thread.join()
        return real(**kw)

    monkeypatch.setattr(sending, "signature_make", sign_meanwhile)
    sending.letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp())
    assert not errors, errors
    assert taken == [2]
    assert NumberEntry.objects.get().sequence == 1


def test_numbering_bench_runs(o: SimpleNamespace) -> None:
    from bench.bench_numbering import run_once, table

    run = run_once(signers=8, each=4, hold_ms=0, fail=0.25)
    assert run.duplicates == 0 and run.gaps == 0 and run.counter == run.committed
    assert run.committed + run.rolled_back == 32
    assert "numbers/s" in table([run])


def test_a_batch_does_not_wait_for_its_next_letter_held_elsewhere(
    o: SimpleNamespace, frozen: Any
) -> None:
    """The batch takes the next letter's number in the current letter's last
    transaction only when nobody holds that letter: otherwise two batches signing
    shared letters in opposite orders would each hold one letter and wait for the
    other's. Here another transaction holds the second letter until the first is
    signed (committed): the batch signs the first without waiting, then the second
    once it is free, each with its own number."""
    import time

    from warkat.drafting.batches import letters_sign_batch
    from warkat.drafting.models import Draft
    from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready

    user = signer_ready(o)
    first, second = approved(o, subject="Surat 1"), approved(o, subject="Surat 2")
    held, seen = threading.Event(), []
    errors: list[BaseException] = []

    def holder() -> None:
        try:
            with tenant_scope(o.tenant), transaction.atomic():
                Draft.objects.select_for_update().get(pk=second.pk)
                held.set()
                for _ in range(100):  # at most 10 s
                    if Draft.objects.filter(pk=first.pk, state="signed").exists():
                        seen.append(True)
                        break
                    time.sleep(0.1)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            held.set()
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait()
    batch = letters_sign_batch(
        actor=user, draft_ids=[first.pk, second.pk], passphrase=PASSPHRASE,
        otp=otp(frozen),
    )  # fmt: skip
    thread.join()
    assert not errors, errors
    assert seen == [True], "the first letter waited for the second one's lock"
    items = batch.items.order_by("draft_id").values_list("outcome", "number")
    assert [outcome for outcome, _n in items] == ["signed", "signed"]
    assert [e.sequence for e in NumberEntry.objects.order_by("sequence")] == [1, 2]
