# Ninja reads parameter annotations at import time: no postponed annotations here.
"""HTTP API of the archive lists (read-only). A token with a scope model would need
``archive:read`` for these routes; writes (propose, appraise, approve, sign) stay
on the pages, where the TOTP of a signature is entered.

The same rules as the pages: a list is visible to the records staff, the unit's TU
(transfers), the committee, the approver and the signers; a secret letter's subject
only to the people in its chain, everyone else gets its agenda line."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.archive import errors
from warkat.archive.models import DisposalBatch
from warkat.archive.selectors.disposal import batch_items, batches_for
from warkat.archive.workflow import batches_visible, may_view_batch
from warkat.org.api import in_caller_tenant

router = Router(tags=["archive"])


class ArchiveBatchOut(Schema):
    id: int
    kind: str
    state: str
    title: str
    unit_id: int
    proposed_at: dt.datetime
    signed_at: dt.datetime | None
    done_at: dt.datetime | None
    letters: int


class ArchiveItemOut(Schema):
    letter_id: int
    code: str
    description: str
    record_date: dt.date
    retention_ended: dt.date
    files: int
    state: str


class ArchiveBatchDetailOut(ArchiveBatchOut):
    anri_approval: str
    package_sha256: str
    items: list[ArchiveItemOut]


def _out(batch: DisposalBatch, letters: int) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "state": batch.state,
        "title": batch.title,
        "unit_id": batch.unit_id,
        "proposed_at": batch.proposed_at,
        "signed_at": batch.signed_at,
        "done_at": batch.done_at,
        "letters": letters,
    }


@router.get(
    "/archive/batches",
    response={200: list[ArchiveBatchOut], **ERROR_RESPONSES},
    operation_id="archive_batches_list",
    auth=scope("archive:read"),
)
@in_caller_tenant
def batches_api(request: HttpRequest, limit: int = 50) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    rows = batches_visible(user, batches_for())[: max(1, min(limit, 200))]
    return [_out(b, b.n_items) for b in rows]  # type: ignore[attr-defined]


@router.get(
    "/archive/batches/{batch_id}",
    response={200: ArchiveBatchDetailOut, **ERROR_RESPONSES},
    operation_id="archive_batch_get",
    auth=scope("archive:read"),
)
@in_caller_tenant
def batch_api(request: HttpRequest, batch_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    batch = DisposalBatch.objects.select_related("unit").filter(pk=batch_id).first()
    if batch is None or not may_view_batch(user, batch):
        raise errors.not_found()
    items = batch_items(user=user, batch=batch)
    return {
        **_out(batch, len(items)),
        "anri_approval": batch.anri_approval,
        "package_sha256": batch.package_sha256,
        "items": [
            {
                "letter_id": i.letter_id,
                "code": i.code,
                "description": i.letter.subject if full else i.description,
                "record_date": i.record_date,
                "retention_ended": i.due_date,
                "files": i.files,
                "state": i.state,
            }
            for i, full in items
        ],
    }
