"""Signing a berita acara, one signer after the other, through the one signing path
(``signing.documents``: unlock, ``signature_make``, ``document_store``), the way
drafting signs a letter:

1. the signer is proven (TOTP + passphrase) before any transaction, so wrong
   passphrases are counted even when the signing fails;
2. no transaction, no lock: the first signer's PDF is rendered (the berita acara
   with its list); later signers sign the file the previous signer stored (an
   incremental signature: earlier signatures stay valid) — then the slow signature;
3. one short transaction: the batch is locked, checked unchanged, the signed file
   stored once as a new ``SignedDocument``; after the last signature the batch
   moves on (transfer: done; destruction: signed, its destruction queued;
   handover: its package queued) with the task row in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.archive import errors
from warkat.archive.documents import berita_acara_render, box_of, signers_for
from warkat.archive.models import BatchSignature, DisposalBatch, DisposalItem
from warkat.archive.tasks import disposal_destroy, handover_package
from warkat.archive.workflow import K, S, holds, holds_check, lock_batch
from warkat.audit.services import audit_record
from warkat.core.queue import enqueue_durable
from warkat.drafting.signature import position_title
from warkat.signing.documents import (
    StampInfo,
    document_store,
    footer_text,
    signature_make,
    signed_files_guard,
    signed_open,
    signer_unlock,
    verification_code_new,
    verification_url,
)
from warkat.tenancy.clock import tenant_localdate


def next_signature(batch: DisposalBatch) -> BatchSignature | None:
    return (
        batch.signatures.filter(document__isnull=True)
        .select_related("position")
        .order_by("order")
        .first()
    )


def batch_sign(
    *, actor: Any, batch: DisposalBatch, passphrase: str, otp: str
) -> DisposalBatch:
    """Add the next signature to the batch's berita acara (module docstring)."""
    if batch.state != S.APPROVED:
        raise errors.wrong_state(S(batch.state).label)
    holds_check(batch)
    step = next_signature(batch)
    if step is None:
        raise errors.wrong_state(S(batch.state).label)
    kind = holds(actor, step.position_id)
    if kind is None or actor.person is None:
        raise errors.not_signer()
    tenant = batch.tenant
    credential = signer_unlock(
        tenant=tenant,
        signer_person=actor.person,
        signer_user=actor,
        passphrase=passphrase,
        otp=otp,
    )
    code = verification_code_new()
    boxes: dict[int, list[int]] = {}
    if step.order == 1:
        rendered = berita_acara_render(
            batch=batch,
            day=tenant_localdate(tenant),
            footer=footer_text(tenant=tenant, verification_url=verification_url(code)),
        )
        pdf = rendered.pdf
        for sig in signers_for(batch):
            found = rendered.boxes.get(f"ttd-{sig.order}")
            if found is not None:
                boxes[sig.pk] = [found.page, *found.box]
        box = box_of(BatchSignature(box=boxes.get(step.pk, [])))
    else:
        previous = batch.signatures.select_related("document").get(order=step.order - 1)
        assert previous.document is not None
        pdf = signed_open(previous.document)
        box = box_of(step)
    stamp = StampInfo(
        position=position_title(step.position, kind),
        name=actor.person.display_name,
        nip=actor.person.nip or "",
    )
    signature = signature_make(
        credential=credential,
        pdf_bytes=pdf,
        stamp=stamp,
        field_box=box,
        verification_code=code,
        reason=f"Berita acara {batch.kind} {batch.pk}",
    )
    with signed_files_guard(), transaction.atomic():
        locked = lock_batch(batch)
        current = next_signature(locked)
        if locked.state != S.APPROVED or current is None or current.pk != step.pk:
            raise errors.signing_interrupted()
        holds_check(locked)
        result = document_store(
            credential=credential,
            signature=signature,
            stamp=stamp,
            letter_number=f"BA/{locked.kind.upper()}/{locked.pk}",
            letter_date=tenant_localdate(tenant),
        )
        for pk, value in boxes.items():
            BatchSignature.objects.filter(pk=pk).update(box=value)
        BatchSignature.objects.filter(pk=step.pk).update(
            document=result.document, person=actor.person, signed_at=timezone.now()
        )
        audit_record(
            tenant=tenant,
            actor=actor,
            action="archive.berita_acara_signed",
            obj=locked,
            capacity=kind,
            data={"order": step.order, "document": result.document.pk},
        )
        if next_signature(locked) is None:
            _signed(locked, actor)
    return locked


def _signed(batch: DisposalBatch, actor: Any) -> None:
    """Every signature is there: move the batch on (module docstring, step 3)."""
    now = timezone.now()
    batch.signed_at = now
    if batch.kind == K.TRANSFER:
        batch.state = S.DONE
        batch.done_at = now
        DisposalItem.objects.filter(batch=batch, state="open").update(state="done")
    elif batch.kind == K.DESTRUCTION:
        batch.state = S.SIGNED
        enqueue_durable(disposal_destroy, tenant_id=batch.tenant_id, batch_id=batch.pk)
    else:
        batch.state = S.PACKAGING
        enqueue_durable(handover_package, tenant_id=batch.tenant_id, batch_id=batch.pk)
    batch.save(update_fields=["state", "signed_at", "done_at"])
    audit_record(
        tenant=batch.tenant,
        actor=actor,
        action="archive.batch_signed",
        obj=batch,
        data={"kind": batch.kind, "state": batch.state},
    )
