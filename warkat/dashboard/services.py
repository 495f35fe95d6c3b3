"""Writes of the command centre: the monthly kinerja assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.audit.services import audit_record
from warkat.dashboard import errors
from warkat.dashboard.kinerja import assessor_position
from warkat.dashboard.models import Assessment, Rating
from warkat.org.selectors import people_by_id

MAX_NOTE = 2000


@transaction.atomic
def assessment_set(
    *, actor: Any, person_id: int, month: dt.date, rating: str, note: str = ""
) -> Assessment:
    """Record (or change) the direct superior's rating of a person for a month."""
    if person_id not in people_by_id(ids=[person_id]):
        raise errors.person_not_found()
    position_id = assessor_position(user=actor, person_id=person_id, month=month)
    if rating not in Rating.values:
        raise errors.bad_rating()
    note = (note or "").strip()[:MAX_NOTE]
    assessment = (
        Assessment.objects.select_for_update()
        .filter(person_id=person_id, month=month)
        .first()
    )
    previous = assessment.rating if assessment else ""
    if assessment is None:
        assessment = Assessment(tenant=actor.tenant, person_id=person_id, month=month)
    assessment.rating = rating
    assessment.note = note
    assessment.assessor_id = actor.person_id
    assessment.assessor_position_id = position_id
    assessment.assessor_user = actor
    assessment.updated_at = timezone.now()
    assessment.save()
    audit_record(
        tenant=actor.tenant,
        actor=actor,
        action="dashboard.assessment_set",
        obj=assessment,
        data={"changed": bool(previous)},
    )
    return assessment
