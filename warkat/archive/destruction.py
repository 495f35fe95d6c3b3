"""Destroying the files of a destruction list whose berita acara is signed.

A per-batch state machine with per-file records, so that an interruption (a worker
killed, the storage failing) never leaves a batch half-destroyed for good:

1. ``destruction_plan`` (one transaction): only from ``signed`` — every signature
   of the berita acara present, no letter under legal hold — records every stored
   object of every listed letter (its files, their page pictures and narrow
   variants, searchable PDFs from OCR, follow-up files, the signed PDF of an
   outgoing letter) as a ``DestructionRecord`` and moves the batch to
   ``destroying``. Before this commit nothing is touched: nothing is destroyed.
2. ``destruction_run``: deletes each object not yet marked, then marks it (a
   missing object counts as deleted, so a repeat is harmless).
3. ``destruction_finish`` (one transaction): when every record is marked, removes
   the file rows (``letters.services.disposal``), marks the items done and the
   batch ``done``.

``disposal_resume`` runs whatever is left of 1 to 3; the task, the periodic sweep and
``manage.py archive_disposal_resume`` call it. Once the plan is committed the only
way forward is to finish: a batch is destroyed entirely or not at all.
"""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from warkat.archive import errors
from warkat.archive.models import DestructionRecord, DisposalBatch, DisposalItem
from warkat.archive.workflow import S, holds_check, lock_batch, transition_check
from warkat.audit.services import audit_record
from warkat.dispositions.models import FollowUpFile
from warkat.drafting.models import Draft
from warkat.letters.models import LetterFile, LetterFilePage
from warkat.letters.page_sizes import narrow_name
from warkat.letters.services.disposal import letter_files_destroyed
from warkat.ocr.models import FileText
from warkat.signing.models import SignedDocument

log = logging.getLogger(__name__)


def _records(batch: DisposalBatch) -> list[DestructionRecord]:
    letter_ids = list(
        batch.items.filter(state="open").values_list("letter_id", flat=True)
    )
    out: dict[str, DestructionRecord] = {}

    def add(letter_id: int, source: str, name: str, **meta: object) -> None:
        if name and name not in out:
            out[name] = DestructionRecord(
                tenant=batch.tenant,
                batch=batch,
                letter_id=letter_id,
                source=source,
                storage_name=name,
                **meta,
            )

    for f in LetterFile.objects.filter(letter_id__in=letter_ids):
        add(
            f.letter_id,
            "letter_file",
            f.storage_name,
            original_name=f.original_name,
            size=f.size,
            sha256=f.sha256,
        )
    pages = LetterFilePage.objects.filter(file__letter_id__in=letter_ids)
    for p in pages.values("file__letter_id", "storage_name"):
        add(p["file__letter_id"], "page", p["storage_name"])
        add(p["file__letter_id"], "page", narrow_name(p["storage_name"]))
    followups = FollowUpFile.objects.filter(
        follow_up__disposition__letter_id__in=letter_ids
    ).select_related("follow_up__disposition")
    for ff in followups:
        add(
            ff.follow_up.disposition.letter_id,
            "followup_file",
            ff.storage_name,
            original_name=ff.original_name,
            size=ff.size,
            sha256=ff.sha256,
        )
    for text in FileText.objects.filter(letter_id__in=letter_ids).exclude(
        searchable_name=""
    ):
        add(text.letter_id, "searchable", text.searchable_name)
    signed = Draft.objects.filter(
        letter_id__in=letter_ids, signed_document__isnull=False
    ).values_list("letter_id", "signed_document_id")
    docs = SignedDocument.objects.in_bulk([d for _l, d in signed])
    for letter_id, doc_id in signed:
        doc = docs[doc_id]
        add(letter_id, "signed", doc.storage_name, size=doc.size, sha256=doc.sha256)
    return list(out.values())


@transaction.atomic
def destruction_plan(*, batch_id: int) -> DisposalBatch:
    """Step 1 (module docstring). Idempotent: a batch already past it is returned."""
    batch = lock_batch(DisposalBatch(pk=batch_id))
    if batch.state != S.SIGNED:
        return batch
    unsigned = batch.signatures.filter(document__isnull=True).exists()
    if batch.signed_at is None or unsigned or not batch.signatures.exists():
        raise errors.not_signed()
    holds_check(batch)
    transition_check(batch, S.DESTROYING)
    records = _records(batch)
    DestructionRecord.objects.bulk_create(records)
    batch.state = S.DESTROYING
    batch.save(update_fields=["state"])
    audit_record(
        tenant=batch.tenant,
        actor=None,
        action="archive.destruction_started",
        obj=batch,
        data={"files": len(records)},
    )
    return batch


def destruction_run(*, batch_id: int) -> int:
    """Step 2: delete what is not yet deleted; returns how many were deleted now."""
    done = 0
    pending = DestructionRecord.objects.filter(
        batch_id=batch_id, destroyed_at__isnull=True
    ).order_by("pk")
    for record in pending.iterator():
        # FileSystemStorage and S3 both answer a missing object without error.
        default_storage.delete(record.storage_name)
        DestructionRecord.objects.filter(pk=record.pk).update(
            destroyed_at=timezone.now()
        )
        done += 1
    return done


@transaction.atomic
def destruction_finish(*, batch_id: int) -> DisposalBatch:
    """Step 3: when nothing is left to delete, close the batch."""
    batch = lock_batch(DisposalBatch(pk=batch_id))
    if batch.state != S.DESTROYING:
        return batch
    if batch.destructions.filter(destroyed_at__isnull=True).exists():
        return batch
    label = f"BA/{batch.kind.upper()}/{batch.pk}"
    items = batch.items.filter(state="open").select_related("letter")
    for item in items:
        letter_files_destroyed(letter=item.letter, note=label)
    DisposalItem.objects.filter(batch=batch, state="open").update(state="done")
    batch.state = S.DONE
    batch.done_at = timezone.now()
    batch.save(update_fields=["state", "done_at"])
    audit_record(
        tenant=batch.tenant,
        actor=None,
        action="archive.files_destroyed",
        obj=batch,
        data={"files": batch.destructions.count()},
    )
    return batch


def disposal_resume(*, batch_id: int) -> DisposalBatch:
    """Plan, delete and finish whatever is left (idempotent)."""
    batch = destruction_plan(batch_id=batch_id)
    if batch.state == S.DESTROYING:
        destruction_run(batch_id=batch_id)
        batch = destruction_finish(batch_id=batch_id)
    return batch


def batches_unfinished() -> list[int]:
    """Destruction batches signed or interrupted: the sweep resumes them."""
    return list(
        DisposalBatch.objects.filter(
            kind="pemusnahan", state__in=[S.SIGNED, S.DESTROYING]
        ).values_list("pk", flat=True)
    )
