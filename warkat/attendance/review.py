"""A superior's (or the personnel office's) decision on a flagged record: accepted
records count as they are, rejected ones do not count. Written once, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.attendance import errors
from warkat.attendance.access import actor_person, may_review_person
from warkat.attendance.models import CheckIn, Review
from warkat.audit.services import audit_record
from warkat.org.selectors import people_by_ids
from warkat.tenancy.scope import current_tenant

DECISIONS = {"accept": Review.ACCEPTED, "reject": Review.REJECTED}


@transaction.atomic
def checkin_review(
    *, actor: Any, record_id: int, decision: str, reason: str
) -> CheckIn:
    reviewer = actor_person(actor)
    if decision not in DECISIONS:
        raise errors.decision_invalid()
    if not reason.strip():
        raise errors.reason_required()
    record = CheckIn.objects.select_for_update().filter(pk=record_id).first()
    if record is None:
        raise errors.not_found()
    person = people_by_ids(person_ids={record.person_id})[record.person_id]
    if not may_review_person(actor, person):
        # Neither yours nor below you: as if it did not exist.
        raise errors.not_found()
    if record.review != Review.PENDING:
        raise errors.not_flagged()
    record.review = DECISIONS[decision]
    record.reviewed_by = reviewer
    record.reviewed_at = timezone.now()
    record.review_reason = reason.strip()[:2000]
    record.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_reason"])
    tenant = current_tenant()
    assert tenant is not None
    audit_record(
        tenant=tenant,
        actor=actor,
        action=f"attendance.checkin_{record.review}",
        obj=record,
        data={
            "reason": record.review_reason,
            "flags": [f["code"] for f in record.flags],
        },
    )
    return record
