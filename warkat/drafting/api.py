"""HTTP API of outgoing letters: drafts, the paraf chain, review, signing, the PDF,
the recipient picker and the number register.

Letters are addressed by their letter id (the same id as ``GET /letters/{id}``):
``/letters/outgoing`` (list, create), ``/letters/outgoing/{id}`` (get, update),
``/letters/{id}/submit|approve|return|sign``, ``/letters/{id}/pdf``; the number
register is in ``numbers_api``. (No postponed
annotations here: the routes are wrapped, and ninja resolves types at import.)
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from warkat.api.base import ERROR_RESPONSES, ErrorOut, Id, PageNo, scope
from warkat.archive.models import ClassificationCode
from warkat.drafting import errors, selectors
from warkat.drafting.catalogue import catalogue_ensure
from warkat.drafting.fields import DraftFields, RecipientInput
from warkat.drafting.models import Draft, NaskahType
from warkat.drafting.render import draft_pdf
from warkat.drafting.sending import letter_sign
from warkat.drafting.services.chain import StepInput, chain_set
from warkat.drafting.services.drafts import draft_create, draft_update, review_edit
from warkat.drafting.services.review import draft_submit, review_approve, review_return
from warkat.org.api import in_caller_tenant
from warkat.org.models import Position

router = Router(tags=["outgoing letters"])

#: Signing may also answer 503 (timestamp authority or BSrE unreachable).
SIGN_RESPONSES = {**ERROR_RESPONSES, 503: ErrorOut}


def _ref(model: Any, pk: int | None, field: str) -> Any:
    obj = model.objects.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise errors.invalid("unknown_reference", _("Unknown reference."), field)
    return obj


class RecipientIn(Schema):
    role: str = "to"
    kind: str = "position"
    target_id: Id | None = None
    label: str = ""
    address: str = ""
    email: str = ""


class DraftIn(Schema):
    naskah_type: str
    subject: str
    body: str = ""
    signer_position_id: Id
    capacity: str = ""
    security: str = "biasa"
    urgency: str = "biasa"
    classification_code: str | None = None
    about: str = ""
    place: str = ""
    event_day: str = ""
    event_time: str = ""
    event_place: str = ""
    event_agenda: str = ""
    recipients: list[RecipientIn] = []
    drafter_position_id: Id | None = None
    # Surat tugas: the people it sends and the dates (dinas luar once signed).
    duty_person_ids: list[int] = []
    duty_start: dt.date | None = None
    duty_end: dt.date | None = None


class RecipientOut(Schema):
    role: str
    kind: str
    target_id: int | None
    target_tenant_id: int | None
    label: str
    address: str
    email: str
    delivery_status: str | None = None
    delivery_error: str | None = None


class StepOut(Schema):
    order: int
    position_id: int
    position_name: str
    kind: str
    state: str
    acted_by: str | None
    acted_capacity: str
    acted_at: dt.datetime | None
    note: str


class VersionOut(Schema):
    number: int
    author: str
    author_capacity: str
    created_at: dt.datetime
    note: str


class DraftSummaryOut(Schema):
    id: int
    state: str
    naskah_type: str
    subject: str
    security: str
    urgency: str
    number: str
    letter_date: dt.date | None
    drafter: str
    signer_position: str
    updated_at: dt.datetime


class DraftOut(DraftSummaryOut):
    body: str
    classification_code: str | None
    capacity: str
    on_behalf_position: str | None
    about: str
    place: str
    event_day: str
    event_time: str
    event_place: str
    event_agenda: str
    duty_person_ids: list[int]
    duty_start: dt.date | None
    duty_end: dt.date | None
    version: int
    round: int
    signed_at: dt.datetime | None
    signed_by: str | None
    signer_kind: str
    recipients: list[RecipientOut]
    steps: list[StepOut]
    versions: list[VersionOut]
    attachments: list[str]
    actions: list[str]


def _summary(d: Draft) -> dict[str, Any]:
    letter = d.letter
    return {
        "id": d.letter_id, "state": d.state, "naskah_type": d.naskah_type.name,
        "subject": letter.subject, "security": letter.security, "urgency": letter.urgency,
        "number": letter.number, "letter_date": letter.letter_date,
        "drafter": d.drafter.display_name, "signer_position": d.signer_position.name,
        "updated_at": d.updated_at,
    }  # fmt: skip


def draft_out(user: Any, d: Draft) -> DraftOut:
    page = selectors.draft_page(user=user, draft=d)
    letter = d.letter
    return DraftOut(
        **_summary(d),
        body=d.body,
        classification_code=letter.classification.code if letter.classification else None,
        capacity=d.capacity,
        on_behalf_position=d.on_behalf_position.name if d.on_behalf_position else None,
        about=d.about, place=d.place, event_day=d.event_day, event_time=d.event_time,
        event_place=d.event_place, event_agenda=d.event_agenda,
        duty_person_ids=d.duty_person_ids, duty_start=d.duty_start, duty_end=d.duty_end,
        version=d.version, round=d.round, signed_at=d.signed_at,
        signed_by=d.signed_by.display_name if d.signed_by else None,
        signer_kind=d.signer_kind,
        recipients=[
            RecipientOut(
                role=r.role, kind=r.kind, target_id=r.target_id,
                target_tenant_id=r.target_tenant_id, label=r.label, address=r.address,
                email=r.email,
                delivery_status=page.deliveries[r.pk].status if r.pk in page.deliveries else None,
                delivery_error=page.deliveries[r.pk].error if r.pk in page.deliveries else None,
            )
            for r in page.recipients
        ],
        steps=[
            StepOut(
                order=s.order, position_id=s.position_id, position_name=s.position.name,
                kind=s.kind, state=s.state,
                acted_by=s.acted_by.display_name if s.acted_by else None,
                acted_capacity=s.acted_capacity, acted_at=s.acted_at, note=s.note,
            )
            for s in page.steps
        ],
        versions=[
            VersionOut(number=v.number, author=v.author.display_name,
                       author_capacity=v.author_capacity, created_at=v.created_at, note=v.note)
            for v in page.versions
        ],
        attachments=[f.original_name for f in page.attachments],
        actions=sorted(page.actions),
    )  # fmt: skip


def _fields(user: Any, data: DraftIn) -> DraftFields:
    catalogue_ensure(tenant=user.tenant)
    naskah = NaskahType.objects.filter(code=data.naskah_type, is_active=True).first()
    if naskah is None:
        raise errors.invalid(
            "type_invalid", _("Choose an active naskah type."), "naskah_type"
        )
    code = None
    if data.classification_code:
        code = ClassificationCode.objects.filter(code=data.classification_code).first()
        if code is None:
            raise errors.invalid(
                "classification_invalid",
                _("Unknown classification code."),
                "classification_code",
            )
    return DraftFields(
        subject=data.subject, body=data.body, naskah_type=naskah,
        signer_position=_ref(Position, data.signer_position_id, "signer_position_id"),
        capacity=data.capacity, security=data.security, urgency=data.urgency,
        classification=code, about=data.about, place=data.place,
        event_day=data.event_day, event_time=data.event_time,
        event_place=data.event_place, event_agenda=data.event_agenda,
        recipients=[RecipientInput(**r.dict()) for r in data.recipients],
        duty_person_ids=data.duty_person_ids, duty_start=data.duty_start,
        duty_end=data.duty_end,
    )  # fmt: skip


class ListQuery(Schema):
    box: str = "mine"
    page: PageNo = 1


class DraftListOut(Schema):
    box: str
    page: int
    has_next: bool
    items: list[DraftSummaryOut]


BOXES = {
    "mine": selectors.drafts_mine,
    "review": selectors.drafts_to_review,
    "sign": selectors.drafts_to_sign,
    "registry": selectors.drafts_registry,
}


def _page(qs: QuerySet[Any], page: int) -> tuple[list[Any], bool]:
    """One page of ``qs`` (``selectors.LIST_SIZE`` rows) and whether more follow."""
    size = selectors.LIST_SIZE
    start = (max(page, 1) - 1) * size
    rows = list(qs[start : start + size + 1])
    return rows[:size], len(rows) > size


def drafts_box(user: Any, box: str, page: int) -> tuple[list[Draft], bool]:
    if box not in BOXES:
        raise errors.invalid("box_invalid", _("Unknown list."), "box")
    return _page(BOXES[box](user=user), page)


@router.get(
    "/letters/outgoing",
    response={200: DraftListOut, **ERROR_RESPONSES},
    auth=scope("letters:read"),
)
@in_caller_tenant
def outgoing_list_api(request: HttpRequest, q: Query[ListQuery]) -> Any:
    """``box``: mine (my drafts), review (waiting for my paraf), sign (waiting for
    my signature), registry (signed letters of the units whose register I keep)."""
    user = request.auth  # type: ignore[attr-defined]
    rows, has_next = drafts_box(user, q.box, q.page)
    return DraftListOut(box=q.box, page=q.page, has_next=has_next,
                        items=[DraftSummaryOut(**_summary(d)) for d in rows])  # fmt: skip


@router.post(
    "/letters/outgoing",
    response={201: DraftOut, **ERROR_RESPONSES},
    auth=scope("letters:write"),
)
@in_caller_tenant
def outgoing_create_api(request: HttpRequest, data: DraftIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    drafter_position = (
        _ref(Position, data.drafter_position_id, "drafter_position_id")
        if data.drafter_position_id
        else None
    )
    d = draft_create(
        actor=user, fields=_fields(user, data), drafter_position=drafter_position
    )
    return 201, draft_out(
        user, selectors.draft_for_user(user=user, letter_id=d.letter_id)
    )


@router.get(
    "/letters/outgoing/{letter_id}",
    response={200: DraftOut, **ERROR_RESPONSES},
    auth=scope("letters:read"),
)
@in_caller_tenant
def outgoing_get_api(request: HttpRequest, letter_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return draft_out(user, selectors.draft_for_user(user=user, letter_id=letter_id))


class UpdateIn(DraftIn):
    note: str = ""


@router.put(
    "/letters/outgoing/{letter_id}",
    response={200: DraftOut, **ERROR_RESPONSES},
    auth=scope("letters:write"),
)
@in_caller_tenant
def outgoing_update_api(request: HttpRequest, letter_id: Id, data: UpdateIn) -> Any:
    """The drafter while a draft; the reviewer whose turn it is while in review
    (a new version either way)."""
    user = request.auth  # type: ignore[attr-defined]
    d = selectors.draft_for_user(user=user, letter_id=letter_id)
    if d.state == Draft.State.IN_REVIEW:
        review_edit(actor=user, draft=d, fields=_fields(user, data), note=data.note)
    else:
        draft_update(actor=user, draft=d, fields=_fields(user, data))
    return draft_out(user, selectors.draft_for_user(user=user, letter_id=letter_id))


class ChainStepIn(Schema):
    position_id: Id
    kind: str = "hierarchy"


class ChainIn(Schema):
    steps: list[ChainStepIn]


@router.put(
    "/letters/outgoing/{letter_id}/chain",
    response={200: DraftOut, **ERROR_RESPONSES},
    auth=scope("letters:write"),
)
@in_caller_tenant
def outgoing_chain_api(request: HttpRequest, letter_id: Id, data: ChainIn) -> Any:
    """Replace the paraf chain (reviewers in order); the signer always closes it."""
    user = request.auth  # type: ignore[attr-defined]
    d = selectors.draft_for_user(user=user, letter_id=letter_id)
    chain_set(
        actor=user, draft=d,
        steps=[StepInput(_ref(Position, s.position_id, "steps"), s.kind) for s in data.steps],
    )  # fmt: skip
    return draft_out(user, selectors.draft_for_user(user=user, letter_id=letter_id))


class CompareOut(Schema):
    old: int
    new: int
    fields: list[list[str]]
    body_diff_html: str


@router.get(
    "/letters/outgoing/{letter_id}/compare",
    response={200: CompareOut, **ERROR_RESPONSES},
    auth=scope("letters:read"),
)
@in_caller_tenant
def outgoing_compare_api(request: HttpRequest, letter_id: Id, a: int, b: int) -> Any:
    """Two versions side by side: changed fields and an escaped HTML diff of the body."""
    user = request.auth  # type: ignore[attr-defined]
    d = selectors.draft_for_user(user=user, letter_id=letter_id)
    cmp = selectors.versions_compare(draft=d, a=a, b=b)
    return CompareOut(old=cmp["old"].number, new=cmp["new"].number,
                      fields=[list(f) for f in cmp["fields"]], body_diff_html=cmp["table"])  # fmt: skip


class DraftNoteIn(Schema):
    note: str = ""


class SignIn(Schema):
    passphrase: str
    otp: str


@router.post(
    "/letters/{letter_id}/submit",
    response={200: DraftOut, **ERROR_RESPONSES},
    auth=scope("letters:write"),
)
@in_caller_tenant
def submit_api(request: HttpRequest, letter_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    draft_submit(
        actor=user, draft=selectors.draft_for_user(user=user, letter_id=letter_id)
    )
    return draft_out(user, selectors.draft_for_user(user=user, letter_id=letter_id))


@router.post(
    "/letters/{letter_id}/approve",
    response={200: DraftOut, **ERROR_RESPONSES},
    auth=scope("letters:sign"),
)
@in_caller_tenant
def approve_api(request: HttpRequest, letter_id: Id, data: DraftNoteIn) -> Any:
    """Paraf by the holder of the current step's position."""
    user = request.auth  # type: ignore[attr-defined]
    review_approve(
        actor=user,
        draft=selectors.draft_for_user(user=user, letter_id=letter_id),
        note=data.note,
    )
    return draft_out(user, selectors.draft_for_user(user=user, letter_id=letter_id))


@router.post(
    "/letters/{letter_id}/return",
    response={200: DraftOut, **ERROR_RESPONSES},
    auth=scope("letters:write"),
)
@in_caller_tenant
def return_api(request: HttpRequest, letter_id: Id, data: DraftNoteIn) -> Any:
    """Back to the drafter with notes (a reviewer in review, or the signer)."""
    user = request.auth  # type: ignore[attr-defined]
    review_return(
        actor=user,
        draft=selectors.draft_for_user(user=user, letter_id=letter_id),
        note=data.note,
    )
    return draft_out(user, selectors.draft_for_user(user=user, letter_id=letter_id))


@router.post(
    "/letters/{letter_id}/sign",
    response={200: DraftOut, **SIGN_RESPONSES},
    auth=scope("letters:sign"),
)
@in_caller_tenant
def sign_api(request: HttpRequest, letter_id: Id, data: SignIn) -> Any:
    """Sign with passphrase and authenticator code. Never retried automatically: a
    503 means nothing was signed and no number was used."""
    user = request.auth  # type: ignore[attr-defined]
    letter_sign(
        actor=user, draft=selectors.draft_for_user(user=user, letter_id=letter_id),
        passphrase=data.passphrase, otp=data.otp,
    )  # fmt: skip
    return draft_out(user, selectors.draft_for_user(user=user, letter_id=letter_id))


def pdf_response(d: Draft) -> HttpResponse:
    response = HttpResponse(draft_pdf(d), content_type="application/pdf")
    name = d.letter.number or f"konsep-{d.letter_id}"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    response["Content-Disposition"] = f'inline; filename="{safe}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/letters/{letter_id}/pdf",
    response={200: None, **ERROR_RESPONSES},
    auth=scope("letters:read"),
)
@in_caller_tenant
def pdf_api(request: HttpRequest, letter_id: Id) -> Any:
    """The signed PDF, or a KONSEP preview before signing."""
    user = request.auth  # type: ignore[attr-defined]
    return pdf_response(selectors.draft_for_user(user=user, letter_id=letter_id))


class PickerOut(Schema):
    kind: str
    id: int
    label: str
    tenant_id: int
    tenant_name: str


@router.get(
    "/letters/outgoing-recipients",
    response={200: list[PickerOut], **ERROR_RESPONSES},
    auth=scope("letters:read"),
)
@in_caller_tenant
def recipients_api(request: HttpRequest, q: str = "") -> Any:
    """Positions and units to address, in this Pemda and others (public names only)."""
    user = request.auth  # type: ignore[attr-defined]
    return [
        PickerOut(**i.__dict__)
        for i in selectors.recipient_search(tenant=user.tenant, query=q)
    ]
