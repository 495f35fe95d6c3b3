"""Data requests for the public portal: the walidata asks SKPD positions for a typed
table by a working-day deadline, the SKPD uploads it, the requester accepts (which
publishes it) or returns it; a published dataset can be unpublished (kept).

Services are ``<entity>_<action>``, keyword-only, one transaction each, audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warkat.audit.services import audit_record
from warkat.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from warkat.dashboard.models import (
    DataRequest,
    DataRequestTarget,
    Dataset,
    TargetState,
)
from warkat.dashboard.tables import COLUMN_TYPES, table_read
from warkat.dispositions.selectors import working_day_deadline
from warkat.org.selectors import positions_by_id, positions_held
from warkat.tenancy.clock import tenant_localdate

MAX_COLUMNS = 30
MAX_TARGETS = 100


def _held(user: Any) -> list[int]:
    person = getattr(user, "person", None)
    return [a.position_id for a in positions_held(person=person)] if person else []


def _is_admin(user: Any) -> bool:
    return bool(user.has_role("tenant_admin"))


def _columns_clean(columns: list[dict[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for column in columns:
        name = str(column.get("name", "")).strip()
        kind = str(column.get("type", "")).strip()
        if not name or len(name) > 60 or name.lower() in seen:
            raise ValidationError(
                "datarequest.column_name",
                _("Each column needs a unique name of at most 60 characters."),
                field="columns",
            )
        if kind not in COLUMN_TYPES:
            raise ValidationError(
                "datarequest.column_type",
                _("A column type must be text, integer, decimal or date."),
                field="columns",
            )
        seen.add(name.lower())
        cleaned.append({"name": name, "type": kind})
    if not 1 <= len(cleaned) <= MAX_COLUMNS:
        raise ValidationError(
            "datarequest.columns",
            _("A request has between 1 and 30 columns."),
            field="columns",
        )
    return cleaned


@transaction.atomic
def datarequest_create(
    *,
    actor: Any,
    title: str,
    period: str,
    columns: list[dict[str, Any]],
    position_ids: list[int],
    deadline_days: int,
    description: str = "",
    unit_of_measure: str = "",
) -> DataRequest:
    """Ask ``position_ids`` for a table; the actor asks from the first position they
    hold (a tenant administrator or the holder of any position may ask)."""
    held = _held(actor)
    if not held:
        raise PermissionDenied(
            "datarequest.no_position",
            _("Only the holder of a position can send a data request."),
        )
    if not title.strip() or not period.strip():
        raise ValidationError(
            "datarequest.title", _("Give a title and a period."), field="title"
        )
    if not 1 <= deadline_days <= 60:
        raise ValidationError(
            "datarequest.deadline",
            _("The deadline is 1 to 60 working days."),
            field="deadline_days",
        )
    cleaned = _columns_clean(columns)
    wanted = set(position_ids)
    positions = positions_by_id(ids=wanted)
    if not wanted or len(wanted) > MAX_TARGETS or set(positions) != wanted:
        raise ValidationError(
            "datarequest.positions",
            _("Choose between 1 and 100 positions of this Pemda."),
            field="position_ids",
        )
    request = DataRequest.objects.create(
        tenant=actor.tenant,
        title=title.strip()[:200],
        description=description.strip(),
        period=period.strip()[:60],
        unit_of_measure=unit_of_measure.strip()[:60],
        columns=cleaned,
        requester_position_id=held[0],
        requester=actor,
        deadline=working_day_deadline(
            start=tenant_localdate(actor.tenant), days=deadline_days
        ),
        created_at=timezone.now(),
    )
    DataRequestTarget.objects.bulk_create(
        DataRequestTarget(tenant=actor.tenant, request=request, position_id=pk)
        for pk in sorted(wanted)
    )
    audit_record(
        tenant=actor.tenant, actor=actor, action="datarequest.create", obj=request
    )
    return request


def target_for_user(*, user: Any, target_id: int) -> DataRequestTarget:
    """A target the user may see: as its addressee, the requester, or an admin."""
    target = (
        DataRequestTarget.objects.select_related("request").filter(pk=target_id).first()
    )
    if target is None:
        raise NotFound("datarequest.not_found", _("Data request not found."))
    held = set(_held(user))
    if (
        target.position_id in held
        or target.request.requester_position_id in held
        or _is_admin(user)
    ):
        return target
    raise NotFound("datarequest.not_found", _("Data request not found."))


def _lock(target: DataRequestTarget) -> DataRequestTarget:
    return (
        DataRequestTarget.objects.select_for_update()
        .select_related("request")
        .get(pk=target.pk)
    )


@transaction.atomic
def submission_upload(
    *, actor: Any, target: DataRequestTarget, name: str, data: bytes, size: int
) -> DataRequestTarget:
    """The addressee's table, validated in full before anything is kept."""
    if target.position_id not in _held(actor):
        raise PermissionDenied(
            "datarequest.not_addressee",
            _("Only the holder of the addressed position can submit the data."),
        )
    target = _lock(target)
    if target.state not in {TargetState.PENDING, TargetState.RETURNED}:
        raise Conflict(
            "datarequest.wrong_state",
            _("This data has been submitted already and awaits review or is accepted."),
        )
    rows = table_read(name=name, data=data, size=size, columns=target.request.columns)
    target.rows = rows
    target.file_name = name[:255]
    target.state = TargetState.SUBMITTED
    target.submitted_at = timezone.now()
    target.submitted_by_id = actor.person_id
    target.save()
    audit_record(
        tenant=actor.tenant,
        actor=actor,
        action="datarequest.submit",
        obj=target,
        data={"rows": len(rows)},
    )
    return target


@transaction.atomic
def submission_review(
    *, actor: Any, target: DataRequestTarget, accept: bool, note: str = ""
) -> DataRequestTarget:
    """The requester accepts (and publishes) or returns a submitted table."""
    if target.request.requester_position_id not in _held(actor) and not _is_admin(
        actor
    ):
        raise PermissionDenied(
            "datarequest.not_reviewer",
            _("Only the requester reviews the submitted data."),
        )
    target = _lock(target)
    if target.state != TargetState.SUBMITTED:
        raise Conflict(
            "datarequest.not_submitted", _("There is no submitted data to review.")
        )
    if not accept and not note.strip():
        raise ValidationError(
            "datarequest.note_required",
            _("Say what to correct when returning the data."),
            field="note",
        )
    now = timezone.now()
    target.state = TargetState.ACCEPTED if accept else TargetState.RETURNED
    target.reviewed_at = now
    target.reviewed_by_id = actor.person_id
    target.review_note = note.strip()
    target.save()
    if accept:
        request = target.request
        producer = positions_by_id(ids=[target.position_id])[target.position_id]
        Dataset.objects.filter(target=target, unpublished_at__isnull=True).update(
            unpublished_at=now
        )
        Dataset.objects.create(
            tenant=actor.tenant,
            target=target,
            title=request.title,
            description=request.description,
            producer=producer.unit.name,
            period=request.period,
            unit_of_measure=request.unit_of_measure,
            columns=request.columns,
            rows=target.rows,
            published_at=now,
        )
    audit_record(
        tenant=actor.tenant,
        actor=actor,
        action="datarequest.accept" if accept else "datarequest.return",
        obj=target,
    )
    return target


@transaction.atomic
def dataset_unpublish(*, actor: Any, dataset: Dataset) -> Dataset:
    """Take a dataset off the public portal; the row stays (history)."""
    if not _is_admin(actor) and (
        dataset.target.request.requester_position_id not in _held(actor)
    ):
        raise PermissionDenied(
            "dataset.not_publisher", _("Only the requester can unpublish this dataset.")
        )
    if dataset.unpublished_at is None:
        dataset.unpublished_at = timezone.now()
        dataset.save(update_fields=["unpublished_at"])
        audit_record(
            tenant=actor.tenant, actor=actor, action="dataset.unpublish", obj=dataset
        )
    return dataset


def requests_of(*, user: Any) -> tuple[list[DataRequest], list[DataRequestTarget]]:
    """The requests the user sent (with their targets) and the targets addressed
    to the user's positions."""
    held = _held(user)
    sent = list(
        DataRequest.objects.filter(requester_position_id__in=held)
        .prefetch_related("targets")
        .order_by("-created_at")[:50]
    )
    received = list(
        DataRequestTarget.objects.filter(position_id__in=held)
        .select_related("request")
        .order_by("-request__created_at")[:50]
    )
    return sent, received


def is_late(target: DataRequestTarget, today: dt.date) -> bool:
    return target.state in {TargetState.PENDING, TargetState.RETURNED} and (
        target.request.deadline < today
    )


#: Largest upload read into memory (the table reader refuses bigger ones).
MAX_UPLOAD = 5 * 1024 * 1024


def no_file() -> ValidationError:
    return ValidationError(
        "dataset.no_file", _("Choose a CSV or XLSX file."), field="file"
    )


def bad_days() -> ValidationError:
    return ValidationError(
        "datarequest.deadline",
        _("The deadline is 1 to 60 working days."),
        field="deadline_days",
    )


def published_of(*, targets: list[DataRequestTarget]) -> dict[int, Dataset]:
    """Target id → its dataset currently on the public portal."""
    rows = Dataset.objects.filter(target__in=targets, unpublished_at__isnull=True)
    return {d.target_id: d for d in rows}


def dataset_get(*, dataset_id: int) -> Dataset:
    dataset = (
        Dataset.objects.select_related("target__request").filter(pk=dataset_id).first()
    )
    if dataset is None:
        raise NotFound("dataset.not_found", _("Dataset not found."))
    return dataset


def submission_upload_file(
    *, actor: Any, target: DataRequestTarget, upload: Any | None
) -> DataRequestTarget:
    """``submission_upload`` from an uploaded file, read only up to the size limit
    (the table reader refuses anything bigger without reading it)."""
    if upload is None:
        raise no_file()
    size = upload.size or 0
    return submission_upload(
        actor=actor,
        target=target,
        name=upload.name or "",
        data=upload.read() if size <= MAX_UPLOAD else b"",
        size=size,
    )


def late_targets(*, today: dt.date) -> list[DataRequestTarget]:
    """Data still owed past the deadline in the scoped tenant (the command centre's
    "who is late"), oldest deadline first; the caller keeps its subtree's. Data
    requests are few (tens a month), so they are not narrowed by position here: a
    leader's subtree can hold thousands of positions."""
    return list(
        DataRequestTarget.objects.filter(
            state__in=[TargetState.PENDING, TargetState.RETURNED],
            request__deadline__lt=today,
        )
        .select_related("request")
        .order_by("request__deadline", "pk")
    )
