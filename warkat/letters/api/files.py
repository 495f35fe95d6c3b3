# Ninja reads parameter annotations at import time: no postponed annotations here.
"""Downloading a letter's files and the page pictures of its PDFs."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.letters.downloads import file_response
from warkat.letters.pages import letter_file_page_for_user, page_response
from warkat.letters.selectors import letter_file_for_user
from warkat.org.api import in_caller_tenant

router = Router()


@router.get(
    "/letters/{letter_id}/files/{file_id}",
    response={200: None, **ERROR_RESPONSES},
    summary="Download a letter's file (inline, with Content-Disposition)",
    operation_id="warkat_letters_api_letter_file_api",
    auth=scope("letters:read"),
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
    operation_id="warkat_letters_api_letter_file_page_api",
    auth=scope("letters:read"),
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
