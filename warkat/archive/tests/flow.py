"""Steps of the archive tests: signers ready, a destruction list taken to any state."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from warkat.archive.models import DisposalBatch
from warkat.archive.services.batches import batch_appraise, batch_approve, batch_propose
from warkat.archive.services.signing import batch_sign
from warkat.drafting.tests.factories import PASSPHRASE, otp, signer_ready


def signers(o: SimpleNamespace, *keys: str) -> None:
    for key in keys:
        signer_ready(o, key)


def sign(
    o: SimpleNamespace, key: str, batch: DisposalBatch, frozen: Any
) -> DisposalBatch:
    return batch_sign(
        actor=getattr(o.users, key),
        batch=DisposalBatch.objects.get(pk=batch.pk),
        passphrase=PASSPHRASE,
        otp=otp(frozen),
    )


def propose(
    o: SimpleNamespace, letters: list[Any], kind: str = "pemusnahan"
) -> DisposalBatch:
    """A list of ``letters`` proposed by the records clerk for the whole Pemda."""
    return batch_propose(
        actor=o.users.arsiparis, kind=kind, unit=o.root, letters=letters
    )


def destruction(
    o: SimpleNamespace, letters: list[Any], upto: str = "proposed", frozen: Any = None
) -> DisposalBatch:
    """A destruction list of ``letters`` by the records clerk, taken up to
    ``upto`` (proposed, appraised, approved, signed)."""
    batch = propose(o, letters)
    if upto == "proposed":
        return batch
    batch = batch_appraise(actor=o.users.sekda, batch=batch, approve=True)
    batch = batch_appraise(actor=o.users.kadinkes, batch=batch, approve=True)
    if upto == "appraised":
        return batch
    batch = batch_approve(actor=o.users.bupati, batch=batch)
    if upto == "approved":
        return batch
    sign(o, "kabag_umum", batch, frozen)
    return sign(o, "bupati", batch, frozen)
