# Ninja reads parameter annotations at import time: no postponed annotations here.
"""One letter: registration (multipart: form fields plus any number of ``files``
parts, the first being the letter's scan), files added later, the letter with its
disposition tree and history, settling, correction and re-routing, sending back to
the records clerk (TU), declassification. The GET and PATCH of ``/letters/{id}``
share one router: Django matches one pattern per path."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.archive.models import ClassificationCode
from warkat.letters.access import Access
from warkat.letters.api.schemas import (
    WITH_STORAGE,
    FileOut,
    LetterDetailOut,
    LetterOut,
    detail_out,
    file_out,
    letter_out,
    reference_get,
)
from warkat.letters.declassify import letter_declassify, letter_for_declassifier
from warkat.letters.selectors import letter_for_user, letter_full_for_user
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

router = Router()


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


@router.post(
    "/letters/incoming",
    response={201: LetterOut, **WITH_STORAGE},
    summary="Register an incoming letter (multipart: fields and files)",
    operation_id="warkat_letters_api_letter_register_api",
    auth=scope("letters:write"),
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
        unit=reference_get(Unit, data.unit_id, "unit_id"),
        addressed_position=reference_get(
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
    operation_id="warkat_letters_api_letter_file_add_api",
    auth=scope("letters:write"),
)
@in_caller_tenant
def letter_file_add_api(
    request: HttpRequest, letter_id: Id, file: File[UploadedFile]
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    letter, _access = letter_for_user(user=user, letter_id=letter_id)
    added = letter_file_add(actor=user, letter=letter, upload=file)
    return 201, file_out(letter.pk, added)


class NoteIn(Schema):
    note: str = ""


@router.post(
    "/letters/{letter_id}/done",
    response={200: LetterOut, **ERROR_RESPONSES},
    summary="Settle a letter without disposing it (addressee only)",
    operation_id="warkat_letters_api_letter_done_api",
    auth=scope("letters:write"),
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
    operation_id="warkat_letters_api_letter_update_api",
    auth=scope("letters:write"),
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
        code = reference_get(
            ClassificationCode,
            ClassificationCode.objects.filter(code=payload.classification_code)
            .values_list("pk", flat=True)
            .first(),
            "classification_code",
        )
    position = (
        reference_get(Position, payload.addressed_position_id, "addressed_position_id")
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
    operation_id="warkat_letters_api_letter_declassify_api",
    auth=scope("letters:write"),
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
    operation_id="warkat_letters_api_letter_return_api",
    auth=scope("letters:write"),
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


@router.get(
    "/letters/{letter_id}",
    response={200: LetterDetailOut, **ERROR_RESPONSES},
    operation_id="warkat_letters_api_letter_detail_api",
    auth=scope("letters:read"),
)
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
