"""HTTP API of dispositions: create (and re-dispose), read, follow up, decline,
close, send back, cancel; candidate positions and the instruction list."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from warkat.api.base import ERROR_RESPONSES, ErrorOut, Id, scope
from warkat.core.errors import ValidationError
from warkat.dispositions import settings_services as admin
from warkat.dispositions.calendar import add_working_days
from warkat.dispositions.errors import reply_letter_not_found
from warkat.dispositions.models import Disposition, FollowUpFile
from warkat.dispositions.rules import (
    disposition_candidates,
    disposition_origin,
    instruction_labels,
    reply_letter_find,
)
from warkat.dispositions.selectors import disposition_for_actor
from warkat.dispositions.services.closing import (
    disposition_cancel,
    disposition_close,
    disposition_decline,
    disposition_return,
)
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.dispositions.services.reading import disposition_read
from warkat.letters.downloads import file_response
from warkat.letters.errors import letter_not_found
from warkat.letters.selectors import letter_full_for_user
from warkat.org.api import in_caller_tenant

router = Router(tags=["dispositions"])


class DispositionIn(Schema):
    to_position_ids: list[Id]
    instructions: list[str]
    note: str = ""
    # Either a date, or a number of working days from today.
    deadline: dt.date | None = None
    deadline_days: int | None = None
    # Re-disposition: the disposition the caller received.
    parent_id: Id | None = None


class DispositionRef(Schema):
    id: int
    letter_id: int
    parent_id: int | None
    from_position_id: int
    from_capacity: str
    to_position_id: int
    instructions: list[str]
    note: str
    deadline: dt.date | None
    state: str
    sent_at: dt.datetime
    read_at: dt.datetime | None


class DispositionNoteIn(Schema):
    note: str = ""


class DispositionReturnIn(Schema):
    note: str
    deadline: dt.date | None = None


class ReasonIn(Schema):
    reason: str


class FollowUpIn(Schema):
    text: str
    reply_letter_id: Id | None = None


class FollowUpRef(Schema):
    id: int
    disposition_id: int
    text: str
    created_at: dt.datetime
    files: int


class CandidateOut(Schema):
    id: int
    name: str
    unit_id: int
    unit_name: str


def _out(d: Disposition) -> DispositionRef:
    return DispositionRef(
        id=d.pk,
        letter_id=d.letter_id,
        parent_id=d.parent_id,
        from_position_id=d.from_position_id,
        from_capacity=d.from_capacity,
        to_position_id=d.to_position_id,
        instructions=d.instructions,
        note=d.note,
        deadline=d.deadline,
        state=d.state,
        sent_at=d.sent_at,
        read_at=d.read_at,
    )


def deadline_from(deadline: dt.date | None, days: int | None) -> dt.date | None:
    if days is None:
        return deadline
    if days < 0 or days > 365:
        from django.utils.translation import gettext_lazy as _

        raise ValidationError(
            "disposition.deadline_days_invalid",
            _("The number of working days must be between 0 and 365."),
            field="deadline_days",
        )
    return add_working_days(start=timezone.localdate(), days=days)


@router.post(
    "/letters/{letter_id}/dispositions",
    response={201: list[DispositionRef], **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def disposition_create_api(
    request: HttpRequest, letter_id: Id, payload: DispositionIn
) -> Any:
    """Dispose a letter to one or more positions (or re-dispose one received)."""
    user = request.auth  # type: ignore[attr-defined]
    letter = letter_full_for_user(user=user, letter_id=letter_id)
    parent = None
    if payload.parent_id is not None:
        parent = disposition_for_actor(user=user, disposition_id=payload.parent_id)
    created = disposition_create(
        actor=user,
        letter=letter,
        parent=parent,
        to_position_ids=payload.to_position_ids,
        instructions=payload.instructions,
        note=payload.note,
        deadline=deadline_from(payload.deadline, payload.deadline_days),
    )
    return 201, [_out(d) for d in created]


@router.get(
    "/letters/{letter_id}/disposition-candidates",
    response={200: list[CandidateOut], **ERROR_RESPONSES},
    auth=scope("dispositions:read"),
)
@in_caller_tenant
def candidates_api(
    request: HttpRequest, letter_id: Id, parent_id: Id | None = None, q: str = ""
) -> Any:
    """Positions to dispose this letter to (from the addressed position, or from the
    disposition ``parent_id`` the caller received): the usual short list, or with
    ``q`` up to 30 allowed positions whose name matches."""
    user = request.auth  # type: ignore[attr-defined]
    letter = letter_full_for_user(user=user, letter_id=letter_id)
    parent = (
        disposition_for_actor(user=user, disposition_id=parent_id)
        if parent_id is not None
        else None
    )
    from_position = disposition_origin(letter=letter, parent=parent)
    return [
        CandidateOut(id=p.pk, name=p.name, unit_id=p.unit_id, unit_name=p.unit.name)
        for p in disposition_candidates(from_position=from_position, query=q.strip())
    ]


@router.get(
    "/instructions",
    response={200: list[str], **ERROR_RESPONSES},
    auth=scope("dispositions:read"),
)
@in_caller_tenant
def instructions_api(request: HttpRequest) -> Any:
    return instruction_labels()


@router.post(
    "/dispositions/{disposition_id}/read",
    response={200: DispositionRef, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def read_api(request: HttpRequest, disposition_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    d = disposition_for_actor(user=user, disposition_id=disposition_id)
    return _out(disposition_read(actor=user, disposition=d))


@router.post(
    "/dispositions/{disposition_id}/follow-ups",
    response={201: FollowUpRef, **ERROR_RESPONSES, 503: ErrorOut},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def follow_up_api(
    request: HttpRequest,
    disposition_id: Id,
    data: Form[FollowUpIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    """Report a tindak lanjut (multipart: ``text``, optional ``reply_letter_id`` and
    ``files``)."""
    user = request.auth  # type: ignore[attr-defined]
    d = disposition_for_actor(user=user, disposition_id=disposition_id)
    reply = None
    if data.reply_letter_id is not None:
        reply = reply_letter_find(user=user, letter_id=data.reply_letter_id)
        if reply is None:
            raise reply_letter_not_found()
    fu = followup_create(
        actor=user, disposition=d, text=data.text, files=files or [], reply_letter=reply
    )
    return 201, FollowUpRef(
        id=fu.pk,
        disposition_id=d.pk,
        text=fu.text,
        created_at=fu.created_at,
        files=fu.files.count(),
    )


@router.post(
    "/dispositions/{disposition_id}/decline",
    response={200: DispositionRef, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def decline_api(request: HttpRequest, disposition_id: Id, payload: ReasonIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    d = disposition_for_actor(user=user, disposition_id=disposition_id)
    return _out(disposition_decline(actor=user, disposition=d, reason=payload.reason))


@router.post(
    "/dispositions/{disposition_id}/close",
    response={200: DispositionRef, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def close_api(
    request: HttpRequest, disposition_id: Id, payload: DispositionNoteIn
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    d = disposition_for_actor(user=user, disposition_id=disposition_id)
    return _out(disposition_close(actor=user, disposition=d, note=payload.note))


@router.post(
    "/dispositions/{disposition_id}/return",
    response={200: DispositionRef, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def return_api(
    request: HttpRequest, disposition_id: Id, payload: DispositionReturnIn
) -> Any:
    """Send back for more work with a note (required) and optionally a new
    deadline; reminders and escalation start over."""
    user = request.auth  # type: ignore[attr-defined]
    d = disposition_for_actor(user=user, disposition_id=disposition_id)
    return _out(
        disposition_return(
            actor=user, disposition=d, note=payload.note, deadline=payload.deadline
        )
    )


@router.post(
    "/dispositions/{disposition_id}/cancel",
    response={200: DispositionRef, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def cancel_api(
    request: HttpRequest, disposition_id: Id, payload: DispositionNoteIn
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    d = disposition_for_actor(user=user, disposition_id=disposition_id)
    return _out(disposition_cancel(actor=user, disposition=d, note=payload.note))


@router.get(
    "/follow-up-files/{file_id}",
    response={200: None, **ERROR_RESPONSES},
    summary="Download a follow-up's file",
    auth=scope("dispositions:read"),
)
@in_caller_tenant
def follow_up_file_api(request: HttpRequest, file_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return file_response(follow_up_file_for_user(user=user, file_id=file_id))


def follow_up_file_for_user(*, user: Any, file_id: int) -> FollowUpFile:
    found = (
        FollowUpFile.objects.select_related("follow_up__disposition")
        .filter(pk=file_id)
        .first()
    )
    if found is None:
        raise letter_not_found()
    letter_full_for_user(user=user, letter_id=found.follow_up.disposition.letter_id)
    return found


# --- tenant administration ----------------------------------------------------


class SettingsIO(Schema):
    allow_same_level: bool
    remind_days_before: int
    days_amat_segera: int
    days_segera: int
    days_biasa: int


class LabelsIn(Schema):
    labels: list[str]


class HolidayIn(Schema):
    date: dt.date
    name: str


class HolidayOut(Schema):
    id: int
    date: dt.date
    name: str


def _settings_out(row: Any) -> SettingsIO:
    return SettingsIO(
        allow_same_level=row.allow_same_level,
        remind_days_before=row.remind_days_before,
        days_amat_segera=row.days_amat_segera,
        days_segera=row.days_segera,
        days_biasa=row.days_biasa,
    )


@router.get(
    "/disposition-settings",
    response={200: SettingsIO, **ERROR_RESPONSES},
    auth=scope("dispositions:read"),
)
@in_caller_tenant
def settings_get_api(request: HttpRequest) -> Any:
    from warkat.dispositions.rules import disposition_settings

    return _settings_out(disposition_settings())


@router.put(
    "/disposition-settings",
    response={200: SettingsIO, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def settings_put_api(request: HttpRequest, payload: SettingsIO) -> Any:
    """Tenant admin: same-level coordination, reminder lead time and the default
    deadline (working days) per urgency."""
    user = request.auth  # type: ignore[attr-defined]
    row = admin.disposition_settings_update(
        actor=user, tenant=user.tenant, **payload.dict()
    )
    return _settings_out(row)


@router.put(
    "/instructions",
    response={200: list[str], **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def instructions_put_api(request: HttpRequest, payload: LabelsIn) -> Any:
    """Tenant admin: replace the instruction list (in display order)."""
    user = request.auth  # type: ignore[attr-defined]
    return admin.instructions_set(actor=user, tenant=user.tenant, labels=payload.labels)


class BehaviourIO(Schema):
    closes_on_read: list[str]
    requires_report: list[str]


def _behaviour_out(rules: Any) -> BehaviourIO:
    active = [r for r in rules if r.active]
    return BehaviourIO(
        closes_on_read=[r.label for r in active if r.closes_on_read],
        requires_report=[r.label for r in active if r.requires_report],
    )


@router.get(
    "/instructions/behaviour",
    response={200: BehaviourIO, **ERROR_RESPONSES},
    auth=scope("dispositions:read"),
)
@in_caller_tenant
def instruction_behaviour_api(request: HttpRequest) -> Any:
    """Which instructions settle a disposition when read ("Untuk diketahui": no
    deadline) and which need a follow-up report before closing ("Laporkan
    hasilnya")."""
    from warkat.dispositions.rules import instruction_rules

    return _behaviour_out(instruction_rules())


@router.put(
    "/instructions/behaviour",
    response={200: BehaviourIO, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def instruction_behaviour_put_api(request: HttpRequest, payload: BehaviourIO) -> Any:
    """Tenant admin: set the behaviour of the instructions (labels of the list)."""
    user = request.auth  # type: ignore[attr-defined]
    return _behaviour_out(
        admin.instruction_behaviour_set(
            actor=user,
            tenant=user.tenant,
            closes_on_read=payload.closes_on_read,
            requires_report=payload.requires_report,
        )
    )


@router.get(
    "/holidays",
    response={200: list[HolidayOut], **ERROR_RESPONSES},
    auth=scope("dispositions:read"),
)
@in_caller_tenant
def holidays_api(request: HttpRequest) -> Any:
    """The tenant's own non-working days (national holidays and cuti bersama are
    built in)."""
    from warkat.dispositions.models import TenantHoliday

    return [
        HolidayOut(id=h.pk, date=h.date, name=h.name)
        for h in TenantHoliday.objects.order_by("date")
    ]


@router.post(
    "/holidays",
    response={201: HolidayOut, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def holiday_add_api(request: HttpRequest, payload: HolidayIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    h = admin.holiday_add(
        actor=user, tenant=user.tenant, date=payload.date, name=payload.name
    )
    return 201, HolidayOut(id=h.pk, date=h.date, name=h.name)


@router.delete(
    "/holidays/{holiday_id}",
    response={204: None, **ERROR_RESPONSES},
    auth=scope("dispositions:write"),
)
@in_caller_tenant
def holiday_remove_api(request: HttpRequest, holiday_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    admin.holiday_remove(actor=user, tenant=user.tenant, holiday_id=holiday_id)
    return 204, None


@router.get(
    "/letters/{letter_id}/disposition-sheet.pdf",
    response={200: None, **ERROR_RESPONSES},
    summary="Lembar disposisi (disposition sheet) as PDF",
    auth=scope("dispositions:read"),
)
@in_caller_tenant
def disposition_sheet_api(request: HttpRequest, letter_id: Id) -> Any:
    """The letter's particulars and its whole disposition chain, for print. Only
    for those who may read the letter in full."""
    from warkat.dispositions.sheet import sheet_download

    return sheet_download(
        user=request.auth,  # type: ignore[attr-defined]
        letter_id=letter_id,
    )
