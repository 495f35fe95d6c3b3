# Ninja reads parameter annotations at import time: no postponed annotations here.
"""What the letters routers share: the output shapes of a letter, its files and its
whole page (disposition tree and history), how they are filled, and the lookup of
an id given in a request."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from warkat.api.base import ERROR_RESPONSES, ErrorOut
from warkat.core.errors import ValidationError
from warkat.letters.access import Access
from warkat.letters.models import Letter
from warkat.letters.selectors import letter_view

WITH_STORAGE = {**ERROR_RESPONSES, 503: ErrorOut}


def reference_get(model: Any, pk: int | None, field: str) -> Any:
    """The ``model`` row with id ``pk`` (in the caller's tenant scope); an unknown
    or missing id is bad input on ``field``."""
    obj = model.objects.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        from django.utils.translation import gettext_lazy as _

        raise ValidationError(
            "request.unknown_reference", _("Unknown reference."), field=field
        )
    return obj


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


def file_out(letter_id: int, f: Any) -> FileOut:
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
        files=[file_out(view.letter.pk, f) for f in view.files],
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
