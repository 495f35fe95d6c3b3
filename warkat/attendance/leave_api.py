"""HTTP API of leave: the annual leave balance and the documents of requests
(sent base64 with the request, downloaded by who may see them)."""

import base64
import binascii
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.attendance import errors
from warkat.attendance.access import actor_person, may_see_person
from warkat.attendance.balance import leave_balance
from warkat.attendance.bulk import bulk_correct
from warkat.attendance.documents import (
    MAX_BYTES,
    MAX_FILES,
    Upload,
    document_for_viewer,
    document_response,
)
from warkat.attendance.models import RequestDocument
from warkat.attendance.schedule import attendance_settings, local_today
from warkat.org.api import in_caller_tenant
from warkat.org.selectors import person_find
from warkat.tenancy.scope import current_tenant

router = Router(tags=["attendance"])


class DocumentIn(Schema):
    filename: str
    # The file's bytes, base64 (PDF, JPEG or PNG; at most 5 MB).
    content_base64: str


class DocumentOut(Schema):
    id: int
    name: str
    filename: str
    content_type: str
    size: int
    url: str


def document_out(d: RequestDocument) -> DocumentOut:
    return DocumentOut(
        id=d.pk,
        name=d.name,
        filename=d.filename,
        content_type=d.content_type,
        size=d.size,
        url=f"/api/v1/attendance/request-documents/{d.pk}",
    )


def documents_decode(items: list[DocumentIn]) -> list[Upload]:
    """Base64 documents → uploads; anything undecodable or too large is a 4xx."""
    if len(items) > MAX_FILES:
        raise errors.documents_too_many(MAX_FILES)
    uploads = []
    for item in items:
        if len(item.content_base64) > MAX_BYTES * 4 // 3 + 4:
            raise errors.document_too_large(MAX_BYTES // (1024 * 1024))
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise errors.document_invalid() from exc
        uploads.append(Upload(filename=item.filename, data=data))
    return uploads


class BalanceOut(Schema):
    person_id: int
    year: int
    entitlement: int
    carried: int
    available: int
    taken: int
    pending: int
    left: int
    # First day of annual leave after a year of service (None: not known).
    eligible_from: dt.date | None
    # Cuti bersama days taken from the entitlement / rostered to work (kept).
    bersama_deducted: int
    bersama_worked: int


@router.get(
    "/attendance/leave-balance",
    response={200: BalanceOut, **ERROR_RESPONSES},
    auth=scope("attendance:read"),
)
@in_caller_tenant
def leave_balance_api(
    request: HttpRequest, year: int | None = None, person: Id | None = None
) -> Any:
    """Annual leave (cuti tahunan) of a year in working days: the year's own
    days, those carried over within the caps, taken, awaiting approval and left.
    One's own, or (``person``) of someone below one's positions, or anyone's for
    the personnel office."""
    user = request.auth  # type: ignore[attr-defined]
    tenant = current_tenant()
    assert tenant is not None
    who = actor_person(user) if person is None else person_find(person_id=person)
    if who is None or not may_see_person(user, who):
        raise errors.balance_forbidden()
    year = year or local_today(tenant).year
    if not 2000 <= year <= 2200:
        raise errors.dates_invalid()
    b = leave_balance(person=who, year=year, settings=attendance_settings(tenant))
    return BalanceOut(
        person_id=who.pk,
        year=b.year,
        entitlement=b.entitlement,
        carried=b.carried,
        available=b.available,
        taken=b.taken,
        pending=b.pending,
        left=b.left,
        eligible_from=b.eligible_from,
        bersama_deducted=b.bersama_deducted,
        bersama_worked=b.bersama_worked,
    )


@router.get(
    "/attendance/request-documents/{document_id}",
    response={200: None, **ERROR_RESPONSES},
    summary="A leave request's document (PDF, JPEG or PNG)",
    auth=scope("attendance:read"),
)
@in_caller_tenant
def request_document_api(request: HttpRequest, document_id: Id) -> Any:
    """A request's document, for the requester, the approver chain (holder of
    the approver position, Plt/Plh included, and the superiors above) and the
    personnel office; 404 for anyone else."""
    document = document_for_viewer(
        actor=request.auth,  # type: ignore[attr-defined]
        document_id=document_id,
    )
    return document_response(document)


class BulkCorrectionIn(Schema):
    unit_id: int
    start_date: dt.date
    end_date: dt.date
    # Why (the machine outage); kept with every correction.
    reason: str


class BulkCorrectionOut(Schema):
    id: int
    unit_id: int
    start_date: dt.date
    end_date: dt.date
    reason: str
    corrections: int


@router.post(
    "/attendance/bulk-corrections",
    response={201: BulkCorrectionOut, **ERROR_RESPONSES},
    summary="Bulk correction after a machine outage (personnel office)",
    auth=scope("attendance:write"),
)
@in_caller_tenant
def bulk_correction_api(request: HttpRequest, payload: BulkCorrectionIn) -> Any:
    """Add the missing check-in/check-out records of every working person-day in
    the date range for the unit and everything below it: one approved correction
    per missing record, the originals kept, audited. Personnel office only."""
    batch = bulk_correct(
        actor=request.auth,  # type: ignore[attr-defined]
        unit_id=payload.unit_id,
        start=payload.start_date,
        end=payload.end_date,
        reason=payload.reason,
    )
    return 201, BulkCorrectionOut(
        id=batch.pk,
        unit_id=batch.unit_id,
        start_date=batch.start_date,
        end_date=batch.end_date,
        reason=batch.reason,
        corrections=batch.corrections,
    )
