"""The numbering benchmark's second part: signatures per second on one counter
through the real signing transactions, and a kill -9 in the middle.

``bench_numbering`` measures the counter lock alone. Here forked signers (each
with its own connection, as web workers and batch signers are) sign approved
letters of one naskah type and unit through the real ``letter_sign``: step 1
(``number_take``, the only moment the counter is locked) and step 3
(``_signed_record``: the signed PDF stored once, its ``SignedDocument``, the
register entry, the letter, deliveries, notices, audit events) run for real; the
render and the signature (step 2, no lock, no transaction) are made once up
front and reused, since they do not touch the counter and scale with CPUs, not
with the counter (``bench_signing`` and ``bench_render`` measure them).

The kill run starts the signers, SIGKILLs them all mid-way, then checks the
register and the letters (no duplicate, no gap, every letter signed completely
or not at all), runs the recovery (``recovery.numbers_pending_sweep``, as the
periodic job does after ``PENDING_AFTER``) and signs the rest again: all signed,
the voided numbers kept in the register with their reason.

Needs PostgreSQL; runs in a throw-away test database (dropped at the end).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@contextmanager
def _step_2_reused() -> Iterator[None]:
    """``draft_render`` and ``signature_make`` made once, reused per letter (a
    fresh verification code each time: it is unique)."""
    from unittest import mock

    from warkat.drafting import sending
    from warkat.signing.documents import Signature

    made: dict[str, Any] = {}

    def render(**kw: Any) -> Any:
        if "rendered" not in made:
            made["rendered"] = real_render(**kw)
        return made["rendered"]

    def sign(**kw: Any) -> Any:
        if "signature" not in made:
            made["signature"] = real_sign(**kw)
        first = made["signature"]
        return Signature(
            signed_pdf=first.signed_pdf, source_sha256=first.source_sha256,
            verification_code=kw["verification_code"],
            certificate_serial=first.certificate_serial, pades_level=first.pades_level,
        )  # fmt: skip

    real_render, real_sign = sending.draft_render, sending.signature_make
    with (
        mock.patch.object(sending, "draft_render", render),
        mock.patch.object(sending, "signature_make", sign),
    ):
        yield


@dataclass
class KillCheck:
    letters: int
    signed_before_kill: int
    pending_at_kill: int
    duplicates: int
    gaps: int
    half_signed: int
    voided_by_recovery: int
    signed_after_recovery: int
    final_gaps: int

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.gaps or self.half_signed or self.final_gaps)


def _register_state(drafts: list[Any]) -> tuple[int, int, int, int, int]:
    """(signed letters, pending numbers, duplicates, gaps, half-signed letters)."""
    from warkat.drafting.models import Draft, NumberEntry
    from warkat.signing.models import SignedDocument

    entries = list(NumberEntry.objects.order_by("sequence"))
    sequences = [e.sequence for e in entries]
    duplicates = len(sequences) - len(set(sequences))
    gaps = len(set(range(1, max(sequences, default=0) + 1)) - set(sequences))
    half = 0
    signed = 0
    for d in Draft.objects.filter(pk__in=[x.pk for x in drafts]).select_related(
        "letter"
    ):
        is_signed = d.state in {"signed", "sent"}
        signed += is_signed
        complete = (
            bool(d.letter.number)
            and d.signed_document_id is not None
            and any(e.letter_id == d.letter_id and e.kind == "signed" for e in entries)
        )
        untouched = (
            not d.letter.number
            and d.signed_document_id is None
            and not any(
                e.letter_id == d.letter_id and e.kind == "signed" for e in entries
            )
        )
        half += not (complete if is_signed else untouched)
    known = set(
        Draft.objects.filter(signed_document__isnull=False).values_list(
            "signed_document_id", flat=True
        )
    )
    half += SignedDocument.objects.exclude(pk__in=known).count()
    pending = sum(1 for e in entries if e.kind == "pending" and e.voided_at is None)
    return signed, pending, duplicates, gaps, half


def kill_run(
    *, o: Any, user: Any, drafts: list[Any], signers: int, after_s: float
) -> KillCheck:
    """Sign ``drafts`` with ``signers`` forked processes, SIGKILL them all after
    ``after_s`` seconds, check, recover, sign the rest, check again."""
    from django.db import connections

    from warkat.drafting import sending
    from warkat.drafting.recovery import numbers_pending_sweep
    from warkat.tenancy.scope import tenant_scope

    context = multiprocessing.get_context("fork")
    shares = [drafts[i::signers] for i in range(signers)]

    def sign_share(mine: list[Any]) -> None:
        with tenant_scope(o.tenant):
            for draft in mine:
                sending.letter_sign(actor=user, draft=draft, passphrase="-", otp="-")
        os._exit(0)

    connections.close_all()
    children = [context.Process(target=sign_share, args=(s,)) for s in shares]
    for child in children:
        child.start()
    time.sleep(after_s)
    for child in children:
        if child.pid is not None:
            os.kill(child.pid, signal.SIGKILL)
    for child in children:
        child.join()
    signed, pending, duplicates, gaps, half = _register_state(drafts)
    voided = numbers_pending_sweep(older_than=dt.timedelta(0))
    for draft in drafts:
        draft.refresh_from_db()
        if draft.state == "approved":
            sending.letter_sign(actor=user, draft=draft, passphrase="-", otp="-")
    final_signed, _pending, final_dup, final_gaps, final_half = _register_state(drafts)
    return KillCheck(
        letters=len(drafts), signed_before_kill=signed, pending_at_kill=pending,
        duplicates=duplicates + final_dup, gaps=gaps, half_signed=half + final_half,
        voided_by_recovery=voided, signed_after_recovery=final_signed,
        final_gaps=final_gaps,
    )  # fmt: skip


def run(
    *, signers: list[int], each: int, kill_after_s: float
) -> tuple[list[Any], KillCheck]:
    """The signed runs (``bench_signers.SignRun`` rows) and the kill check, in a
    throw-away database, on one counter."""
    from unittest import mock

    from django.test.utils import setup_databases, teardown_databases

    from bench import bench_signers
    from warkat.drafting import sending
    from warkat.drafting.tests.factories import approved

    checks: list[KillCheck] = []

    def then(*, o: Any, user: Any, credential: Any) -> None:
        drafts = [approved(o, subject=f"Surat {n}") for n in range(20 * max(signers))]
        with mock.patch.object(sending, "signer_unlock", return_value=credential):
            checks.append(
                kill_run(
                    o=o, user=user, drafts=drafts, signers=max(signers),
                    after_s=kill_after_s,
                )
            )  # fmt: skip

    old = setup_databases(verbosity=0, interactive=False)
    try:
        with _step_2_reused():
            runs = bench_signers.runs_all(
                signers=signers, each=each, then=then, modes=("before", "now")
            )
    finally:
        teardown_databases(old, verbosity=0)
    return runs, checks[0]
