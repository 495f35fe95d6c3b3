# Ninja reads parameter annotations at import time: no postponed annotations here.
"""HTTP API of incoming letters: registration (multipart), inbox, letter, files,
exports and the classification picker.

``POST /letters/incoming`` takes multipart form fields plus any number of ``files``
parts (the first is the letter's scan); more files can be added later with
``POST /letters/{id}/files``.
"""

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from warkat.api.base import ERROR_RESPONSES, ErrorOut, Id, PageNo
from warkat.archive.models import ClassificationCode
from warkat.archive.selectors import classification_search
from warkat.core.errors import ValidationError
from warkat.core.http import download_response
from warkat.letters import exports
from warkat.letters.access import Access
from warkat.letters.declassify import letter_declassify, letter_for_declassifier
from warkat.letters.files import file_open
from warkat.letters.inbox import COUNTER_CAP, InboxFilters, inbox_page
from warkat.letters.models import Letter
from warkat.letters.pages import letter_file_page_for_user, page_response
from warkat.letters.selectors import (
    agenda_book,
    letter_file_for_user,
    letter_for_user,
    letter_full_for_user,
    letter_view,
)
from warkat.letters.services.addressee import (
    letter_mark_done,
    letter_read,
    letter_return,
)
from warkat.letters.services.correction import letter_update
from warkat.letters.services.files import letter_file_add
from warkat.letters.services.registration import letter_register
from warkat.org.api import in_caller_tenant
from warkat.org.models import Position, Unit

router = Router(tags=["letters"])

WITH_STORAGE = {**ERROR_RESPONSES, 503: ErrorOut}


def _ref(model: Any, pk: int | None, field: str) -> Any:
    obj = model.objects.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        from django.utils.translation import gettext_lazy as _

        raise ValidationError(
            "request.unknown_reference", _("Unknown reference."), field=field
        )
    return obj


class LetterIn(Schema):
    unit_id: Id
    addressed_position_id: Id
    subject: str
    summary: str = ""
    classification_code: str
    security: str = "biasa"
    urgency: str = "biasa"
    number: str
    letter_date: dt.date | None = None
    sender_institution: str
    sender_name: str = ""
    received_date: dt.date | None = None
    confirm_duplicate: bool = False


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str
    #: Page pictures of a PDF (``GET …/pages/{n}``), once drawn; else empty.
    pages: list[str] = []


class LetterOut(Schema):
    """With ``restricted`` true (a secret letter seen from its agenda book) only the
    agenda line is filled in."""

    id: int
    restricted: bool
    direction: str
    unit_id: int
    agenda_number: int | None
    agenda_year: int | None
    received_date: dt.date | None
    number: str
    letter_date: dt.date | None
    sender_institution: str
    sender_name: str
    security: str
    urgency: str
    is_copy: bool = Field(False, description="received as tembusan (for information)")
    subject: str | None = None
    summary: str | None = None
    classification_code: str | None = None
    addressed_position_id: int | None = None
    status: str | None = None
    read_at: dt.datetime | None = None


class ReadOut(Schema):
    at: dt.datetime
    person_id: int
    capacity: str


class FollowUpOut(Schema):
    id: int
    person_id: int
    capacity: str
    text: str
    reply_letter_id: int | None
    created_at: dt.datetime
    files: list[FileOut]


class DispositionOut(Schema):
    id: int
    parent_id: int | None
    from_position_id: int
    from_person_id: int
    from_capacity: str
    to_position_id: int
    to_position_name: str
    instructions: list[str]
    note: str
    deadline: dt.date | None
    state: str
    sent_at: dt.datetime
    read_at: dt.datetime | None
    overdue: bool
    actions: list[str]
    reads: list[ReadOut]
    follow_ups: list[FollowUpOut]


class EventOut(Schema):
    at: dt.datetime
    kind: str
    person_id: int | None
    capacity: str
    position_id: int | None
    disposition_id: int | None
    note: str


class LetterDetailOut(Schema):
    letter: LetterOut
    files: list[FileOut]
    dispositions: list[DispositionOut]
    events: list[EventOut]


def letter_out(letter: Letter, access: Access) -> LetterOut:
    base: dict[str, Any] = {
        "id": letter.pk,
        "restricted": access != Access.FULL,
        "direction": letter.direction,
        "unit_id": letter.unit_id,
        "agenda_number": letter.agenda_number,
        "agenda_year": letter.agenda_year,
        "received_date": letter.received_date,
        "number": letter.number,
        "letter_date": letter.letter_date,
        "sender_institution": letter.sender_institution,
        "sender_name": letter.sender_name,
        "security": letter.security,
        "urgency": letter.urgency,
        "is_copy": letter.is_copy,
    }
    if access == Access.FULL:
        base.update(
            subject=letter.subject,
            summary=letter.summary,
            classification_code=letter.classification.code
            if letter.classification
            else None,
            addressed_position_id=letter.addressed_position_id,
            status=letter.status,
            read_at=letter.read_at,
        )
    return LetterOut(**base)


def _file_out(letter_id: int, f: Any) -> FileOut:
    return FileOut(
        id=f.pk,
        name=f.original_name,
        content_type=f.content_type,
        size=f.size,
        sha256=f.sha256,
        url=f"/api/v1/letters/{letter_id}/files/{f.pk}",
        # Only when ``letter_view`` prefetched them: no query per file.
        pages=[
            f"/api/v1/letters/{letter_id}/files/{f.pk}/pages/{p.number}"
            for p in getattr(f, "_prefetched_objects_cache", {}).get("pages", ())
        ],
    )


def _followup_file_out(f: Any) -> FileOut:
    return FileOut(
        id=f.pk,
        name=f.original_name,
        content_type=f.content_type,
        size=f.size,
        sha256=f.sha256,
        url=f"/api/v1/follow-up-files/{f.pk}",
    )


def detail_out(
    user: Any, letter_id: int, found: tuple[Letter, Access] | None = None
) -> LetterDetailOut:
    from warkat.dispositions.selectors import flatten

    view = letter_view(user=user, letter_id=letter_id, found=found)
    nodes = flatten(view.tree)
    return LetterDetailOut(
        letter=letter_out(view.letter, view.access),
        files=[_file_out(view.letter.pk, f) for f in view.files],
        dispositions=[
            DispositionOut(
                id=n.disposition.pk,
                parent_id=n.disposition.parent_id,
                from_position_id=n.disposition.from_position_id,
                from_person_id=n.disposition.from_person_id,
                from_capacity=n.disposition.from_capacity,
                to_position_id=n.disposition.to_position_id,
                to_position_name=n.disposition.to_position.name,
                instructions=n.disposition.instructions,
                note=n.disposition.note,
                deadline=n.disposition.deadline,
                state=n.disposition.state,
                sent_at=n.disposition.sent_at,
                read_at=n.disposition.read_at,
                overdue=n.is_overdue,
                actions=n.actions,
                reads=[
                    ReadOut(at=r.read_at, person_id=r.person_id, capacity=r.capacity)
                    for r in n.reads
                ],
                follow_ups=[
                    FollowUpOut(
                        id=fu.pk,
                        person_id=fu.person_id,
                        capacity=fu.capacity,
                        text=fu.text,
                        reply_letter_id=fu.reply_letter_id,
                        created_at=fu.created_at,
                        files=[_followup_file_out(f) for f in fu.files.all()],
                    )
                    for fu in n.follow_ups
                ],
            )
            for n in nodes
        ],
        events=[
            EventOut(
                at=e.at,
                kind=e.kind,
                person_id=e.person_id,
                capacity=e.capacity,
                position_id=e.position_id,
                disposition_id=e.disposition_id,
                note=e.note,
            )
            for e in view.events
        ],
    )


@router.post(
    "/letters/incoming",
    response={201: LetterOut, **WITH_STORAGE},
    summary="Register an incoming letter (multipart: fields and files)",
)
@in_caller_tenant
def letter_register_api(
    request: HttpRequest,
    data: Form[LetterIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    code = ClassificationCode.objects.filter(code=data.classification_code).first()
    letter = letter_register(
        actor=user,
        unit=_ref(Unit, data.unit_id, "unit_id"),
        addressed_position=_ref(
            Position, data.addressed_position_id, "addressed_position_id"
        ),
        subject=data.subject,
        summary=data.summary,
        classification=code,
        security=data.security,
        urgency=data.urgency,
        number=data.number,
        letter_date=data.letter_date,
        sender_institution=data.sender_institution,
        sender_name=data.sender_name,
        received_date=data.received_date,
        files=files or [],
        confirm_duplicate=data.confirm_duplicate,
    )
    return 201, letter_out(letter, Access.FULL)


@router.post(
    "/letters/{letter_id}/files",
    response={201: FileOut, **WITH_STORAGE},
    summary="Add a scan or attachment to an incoming letter",
)
@in_caller_tenant
def letter_file_add_api(
    request: HttpRequest, letter_id: Id, file: File[UploadedFile]
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    letter, _access = letter_for_user(user=user, letter_id=letter_id)
    added = letter_file_add(actor=user, letter=letter, upload=file)
    return 201, _file_out(letter.pk, added)


class NoteIn(Schema):
    note: str = ""


@router.post(
    "/letters/{letter_id}/done",
    response={200: LetterOut, **ERROR_RESPONSES},
    summary="Settle a letter without disposing it (addressee only)",
)
@in_caller_tenant
def letter_done_api(request: HttpRequest, letter_id: Id, payload: NoteIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    letter = letter_full_for_user(user=user, letter_id=letter_id)
    return letter_out(
        letter_mark_done(actor=user, letter=letter, note=payload.note), Access.FULL
    )


class LetterPatchIn(Schema):
    """Only the fields given change; the agenda number stays. Changing
    ``addressed_position_id`` re-routes the letter."""

    addressed_position_id: Id | None = None
    subject: str | None = None
    summary: str | None = None
    classification_code: str | None = None
    security: str | None = None
    urgency: str | None = None
    number: str | None = None
    letter_date: dt.date | None = None
    sender_institution: str | None = None
    sender_name: str | None = None
    received_date: dt.date | None = None
    confirm_duplicate: bool = False


@router.patch(
    "/letters/{letter_id}",
    response={200: LetterOut, **ERROR_RESPONSES},
    summary="Correct an incoming letter's registration (TU of its unit or admin)",
)
@in_caller_tenant
def letter_update_api(
    request: HttpRequest, letter_id: Id, payload: LetterPatchIn
) -> Any:
    """Only while the letter has no live disposition (409 afterwards). A letter
    returned by its addressee is sent again (status back to "new"). A likely
    duplicate answers 409 ``letter.duplicate`` unless ``confirm_duplicate``."""
    user = request.auth  # type: ignore[attr-defined]
    letter, access = letter_for_user(user=user, letter_id=letter_id)
    code = None
    if payload.classification_code is not None:
        code = _ref(
            ClassificationCode,
            ClassificationCode.objects.filter(code=payload.classification_code)
            .values_list("pk", flat=True)
            .first(),
            "classification_code",
        )
    position = (
        _ref(Position, payload.addressed_position_id, "addressed_position_id")
        if payload.addressed_position_id is not None
        else None
    )
    letter_update(
        actor=user,
        letter=letter,
        addressed_position=position,
        subject=payload.subject,
        summary=payload.summary,
        classification=code,
        security=payload.security,
        urgency=payload.urgency,
        number=payload.number,
        letter_date=payload.letter_date,
        sender_institution=payload.sender_institution,
        sender_name=payload.sender_name,
        received_date=payload.received_date,
        confirm_duplicate=payload.confirm_duplicate,
    )
    # The caller's access after the change (a letter made secret shows its line),
    # never more than before it: a correction reveals nothing to its author.
    updated, after = letter_for_user(user=user, letter_id=letter_id)
    return letter_out(updated, min(access, after))


class DeclassifyIn(Schema):
    security: str = Field(description="the new level, below the current one")
    reason: str = ""


@router.post(
    "/letters/{letter_id}/declassify",
    response={200: LetterOut, **ERROR_RESPONSES},
    summary="Lower a letter's security level (its addressee, or its signer)",
)
@in_caller_tenant
def letter_declassify_api(
    request: HttpRequest, letter_id: int, payload: DeclassifyIn
) -> Any:
    """Declassification, with a required ``reason``: only by the holder of the
    addressed position (of a signed outgoing letter, the signing position),
    recorded as its own audit event. A correction (``PATCH``) never lowers a level."""
    user = request.auth  # type: ignore[attr-defined]
    letter = letter_for_declassifier(user=user, letter_id=letter_id)
    done = letter_declassify(
        actor=user, letter=letter, security=payload.security, reason=payload.reason
    )
    return letter_out(done, Access.FULL)


class ReturnIn(Schema):
    reason: str = ""


@router.post(
    "/letters/{letter_id}/return-to-tu",
    response={200: LetterOut, **ERROR_RESPONSES},
    summary="Send a letter not yet disposed back to the records clerk (addressee)",
)
@in_caller_tenant
def letter_return_api(request: HttpRequest, letter_id: Id, payload: ReturnIn) -> Any:
    """With a required ``reason``. The TU of the letter's unit is notified and sees
    it as returned until they correct it (``PATCH /letters/{letter_id}``)."""
    user = request.auth  # type: ignore[attr-defined]
    letter = letter_full_for_user(user=user, letter_id=letter_id)
    return letter_out(
        letter_return(actor=user, letter=letter, reason=payload.reason), Access.FULL
    )


class InboxItemOut(Schema):
    kind: str
    at: dt.datetime
    letter: LetterOut
    disposition_id: int | None
    disposition_state: str | None
    deadline: dt.date | None
    instructions: list[str] | None
    from_position_name: str | None
    to_position_name: str | None
    unread: bool
    overdue: bool


class InboxOut(Schema):
    counters: dict[str, int] = Field(
        description="unread, pending, overdue; exact up to counter_cap, "
        "counter_cap + 1 means more than counter_cap"
    )
    counter_cap: int
    page: int
    has_next: bool
    items: list[InboxItemOut]


class InboxQuery(Schema):
    state: str = ""
    urgency: str = ""
    security: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sender: str = ""
    unit_id: Id | None = None
    kind: str = ""
    page: PageNo = 1
    per_page: int = 25


@router.get("/inbox", response={200: InboxOut, **ERROR_RESPONSES})
@in_caller_tenant
def inbox_api(request: HttpRequest, q: Query[InboxQuery]) -> Any:
    """Letters addressed to the positions the caller holds today and dispositions to
    them, newest first, with the belum dibaca / belum ditindaklanjuti / lewat batas
    waktu counters (and ``awaiting``: dispositions the caller sent that were reported
    or declined and wait for their decision). ``kind``: letters, dispositions, or
    sent (dispositions the caller sent). ``state``: unread, pending, overdue, done,
    awaiting or a disposition state."""
    user = request.auth  # type: ignore[attr-defined]
    filters = InboxFilters(
        state=q.state,
        urgency=q.urgency,
        security=q.security,
        date_from=q.date_from,
        date_to=q.date_to,
        sender=q.sender,
        unit_id=q.unit_id,
        kind=q.kind,
    )
    page = inbox_page(
        user=user, filters=filters, page=q.page, per_page=max(1, min(q.per_page, 100))
    )
    return InboxOut(
        counters=page.counters,
        counter_cap=COUNTER_CAP,
        page=page.page,
        has_next=page.has_next,
        items=[
            InboxItemOut(
                kind=i.kind,
                at=i.at,
                letter=letter_out(i.letter, Access.FULL),
                disposition_id=i.disposition.pk if i.disposition else None,
                disposition_state=i.disposition.state if i.disposition else None,
                deadline=i.disposition.deadline if i.disposition else None,
                instructions=i.disposition.instructions if i.disposition else None,
                from_position_name=i.disposition.from_position.name
                if i.disposition
                else None,
                to_position_name=i.disposition.to_position.name
                if i.disposition
                else None,
                unread=i.is_unread,
                overdue=i.is_overdue,
            )
            for i in page.items
        ],
    )


@router.get("/letters/{letter_id}", response={200: LetterDetailOut, **ERROR_RESPONSES})
@in_caller_tenant
def letter_detail_api(request: HttpRequest, letter_id: Id) -> Any:
    """The letter with its files, whole disposition tree and history. Opening it
    is a read: by a holder of the addressed position (the first one is kept) and of
    every disposition of it addressed to the caller's positions."""
    from warkat.dispositions.services.reading import dispositions_read_on_open

    user = request.auth  # type: ignore[attr-defined]
    letter, access = letter_for_user(user=user, letter_id=letter_id)
    if access == Access.FULL:
        letter_read(actor=user, letter=letter)
        dispositions_read_on_open(actor=user, letter=letter)
    return detail_out(user, letter_id, found=(letter, access))


def file_response(f: Any) -> FileResponse:
    response = FileResponse(
        file_open(f.storage_name),
        content_type=f.content_type,
        as_attachment=False,
        filename=f.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/letters/{letter_id}/files/{file_id}",
    response={200: None, **ERROR_RESPONSES},
    summary="Download a letter's file (inline, with Content-Disposition)",
)
@in_caller_tenant
def letter_file_api(request: HttpRequest, letter_id: Id, file_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return file_response(
        letter_file_for_user(user=user, letter_id=letter_id, file_id=file_id)
    )


@router.get(
    "/letters/{letter_id}/files/{file_id}/pages/{number}",
    response={200: None, **ERROR_RESPONSES},
    summary="One page of a letter's PDF as a JPEG picture (once drawn)",
)
@in_caller_tenant
def letter_file_page_api(
    request: HttpRequest, letter_id: Id, file_id: Id, number: int
) -> Any:
    """Pages are drawn in the background after upload; 404 until then, and for
    whoever may not read the file itself."""
    return page_response(
        letter_file_page_for_user(
            user=request.auth,  # type: ignore[attr-defined]
            letter_id=letter_id,
            file_id=file_id,
            number=number,
        )
    )


@router.get(
    "/letters/{letter_id}/receipt.{fmt}",
    response={200: None, **ERROR_RESPONSES},
    summary="Tanda terima (receipt) as PDF or XLSX",
)
@in_caller_tenant
def receipt_api(request: HttpRequest, letter_id: Id, fmt: str) -> Any:
    """``fmt``: pdf or xlsx. A Rahasia letter's receipt leaves out the subject for
    those who see only its agenda line."""
    return receipt_download(
        user=request.auth,  # type: ignore[attr-defined]
        letter_id=letter_id,
        fmt=fmt,
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def receipt_download(*, user: Any, letter_id: int, fmt: str) -> HttpResponse:
    letter, access = letter_for_user(user=user, letter_id=letter_id)
    name = f"tanda-terima-{letter.agenda_number}-{letter.agenda_year}.{fmt}"
    if fmt == "xlsx":
        return download_response(
            exports.receipt_xlsx(letter=letter, access=access), XLSX, name
        )
    if fmt == "pdf":
        return download_response(
            exports.receipt_pdf(letter=letter, access=access), "application/pdf", name
        )
    raise _format_invalid()


def _format_invalid() -> ValidationError:
    from django.utils.translation import gettext_lazy as _

    return ValidationError(
        "export.format_invalid",
        _("The format must be pdf or xlsx."),
        field="format",
    )


class AgendaQuery(Schema):
    unit_id: Id
    date_from: dt.date
    date_to: dt.date
    format: str = "pdf"


@router.get(
    "/agenda-book",
    response={200: None, **ERROR_RESPONSES},
    summary="Buku agenda of a unit for a period (format pdf or xlsx)",
)
@in_caller_tenant
def agenda_book_api(request: HttpRequest, q: Query[AgendaQuery]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return agenda_book_download(
        user=user,
        unit=_ref(Unit, q.unit_id, "unit_id"),
        date_from=q.date_from,
        date_to=q.date_to,
        fmt=q.format,
    )


def agenda_book_download(
    *, user: Any, unit: Unit, date_from: dt.date, date_to: dt.date, fmt: str
) -> HttpResponse:
    from django.utils.translation import gettext_lazy as _

    if date_to < date_from or (date_to - date_from).days > 366:
        raise ValidationError(
            "agenda.period_invalid",
            _("Choose a period of at most one year, start before end."),
            field="date_to",
        )
    if fmt not in ("pdf", "xlsx"):
        raise _format_invalid()
    rows = agenda_book(user=user, unit=unit, date_from=date_from, date_to=date_to)
    name = f"buku-agenda-{unit.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        data = exports.agenda_book_xlsx(
            unit=unit, date_from=date_from, date_to=date_to, rows=rows
        )
        return download_response(data, XLSX, name)
    data = exports.agenda_book_pdf(
        unit=unit, date_from=date_from, date_to=date_to, rows=rows
    )
    return download_response(data, "application/pdf", name)


class CodeOut(Schema):
    code: str
    name: str
    retention_active_years: int | None
    retention_inactive_years: int | None
    final_disposition: str


@router.get("/classification-codes", response={200: list[CodeOut], **ERROR_RESPONSES})
@in_caller_tenant
def classification_codes_api(request: HttpRequest, q: str = "") -> Any:
    """Leaf classification codes matching a code prefix or words of the name."""
    return [
        CodeOut(
            code=c.code,
            name=c.name,
            retention_active_years=c.retention_active_years,
            retention_inactive_years=c.retention_inactive_years,
            final_disposition=c.final_disposition,
        )
        for c in classification_search(query=q)
    ]
