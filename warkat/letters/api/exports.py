# Ninja reads parameter annotations at import time: no postponed annotations here.
"""Exports: the tanda terima (receipt) of a letter and a unit's buku agenda."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.letters.api.schemas import reference_get
from warkat.letters.downloads import agenda_book_download, receipt_download
from warkat.org.api import in_caller_tenant
from warkat.org.models import Unit

router = Router()


@router.get(
    "/letters/{letter_id}/receipt.{fmt}",
    response={200: None, **ERROR_RESPONSES},
    summary="Tanda terima (receipt) as PDF or XLSX",
    operation_id="warkat_letters_api_receipt_api",
    auth=scope("letters:read"),
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


class AgendaQuery(Schema):
    unit_id: Id
    date_from: dt.date
    date_to: dt.date
    format: str = "pdf"


@router.get(
    "/agenda-book",
    response={200: None, **ERROR_RESPONSES},
    summary="Buku agenda of a unit for a period (format pdf or xlsx)",
    operation_id="warkat_letters_api_agenda_book_api",
    auth=scope("letters:read"),
)
@in_caller_tenant
def agenda_book_api(request: HttpRequest, q: Query[AgendaQuery]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return agenda_book_download(
        user=user,
        unit=reference_get(Unit, q.unit_id, "unit_id"),
        date_from=q.date_from,
        date_to=q.date_to,
        fmt=q.format,
    )
