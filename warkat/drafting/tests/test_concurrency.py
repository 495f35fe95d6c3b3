"""Numbering under concurrency and crashes, on PostgreSQL (real row locks and real
connections; SQLite serialises writers and its test database is not shared)."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from warkat.drafting.models import Draft, NaskahType, NumberCounter, NumberEntry
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


def _sign_then_die(
    tenant_id: int, draft_id: int, user_id: int, code: str, passphrase: str
) -> None:
    """Child process: sign for real, then get SIGKILLed before the commit."""
    import warkat.drafting.sending as sending
    from warkat.accounts.models import User
    from warkat.tenancy.models import Tenant

    real = sending.document_sign

    def sign_and_die(**kw: Any) -> Any:
        real(**kw)  # the signed file is written and the row inserted (uncommitted)
        os.kill(os.getpid(), signal.SIGKILL)

    sending.document_sign = sign_and_die  # type: ignore[assignment]
    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_scope(tenant):
        user = User.objects.get(pk=user_id)
        draft = Draft.objects.get(pk=draft_id)
        sending.letter_sign(actor=user, draft=draft, passphrase=passphrase, otp=code)
    os._exit(3)  # not reached: the kill above ends the process


def test_worker_killed_mid_signing_leaves_nothing_half_done(
    o: SimpleNamespace, frozen: Any, media: Any
) -> None:
    from warkat.drafting.sending import letter_sign
    from warkat.drafting.tests.factories import PASSPHRASE, approved, otp, signer_ready
    from warkat.signing.models import SignedDocument

    user = signer_ready(o)
    d = approved(o)
    connections.close_all()
    child = multiprocessing.get_context("fork").Process(
        target=_sign_then_die, args=(o.tenant.pk, d.pk, user.pk, otp(), PASSPHRASE)
    )
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    with tenant_scope(o.tenant):
        d = Draft.objects.get(pk=d.pk)
        assert d.state == "approved" and d.signed_document_id is None
        assert Letter.objects.get(pk=d.letter_id).number == ""
        assert not NumberEntry.objects.exists()
        assert list(NumberCounter.objects.values_list("last_number", flat=True)) in (
            [],
            [0],
        )
        assert not SignedDocument.objects.exists()
        # The signed file written before the kill is left as an orphan that no row
        # points at (signing.documents.signed_orphans_sweep removes such files).
        orphans = list((media / "signed").rglob("*.pdf"))
        assert len(orphans) == 1
        letter_sign(actor=user, draft=d, passphrase=PASSPHRASE, otp=otp(frozen))
        assert NumberEntry.objects.get().sequence == 1
        assert Letter.objects.get(pk=d.letter_id).number.startswith("000.1.1/1/")
        assert NaskahType.objects.filter(code="surat-dinas").exists()


def test_numbering_bench_runs(o: SimpleNamespace) -> None:
    from bench.bench_numbering import run_once, table

    run = run_once(signers=8, each=4, hold_ms=0, fail=0.25)
    assert run.duplicates == 0 and run.gaps == 0 and run.counter == run.committed
    assert run.committed + run.rolled_back == 32
    assert "numbers/s" in table([run])
