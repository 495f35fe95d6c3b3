# Ninja reads parameter annotations at import time: no postponed annotations here.
"""The classification picker: leaf classification codes by prefix or words."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from warkat.api.base import ERROR_RESPONSES, scope
from warkat.archive.selectors import classification_search
from warkat.org.api import in_caller_tenant

router = Router()


class CodeOut(Schema):
    code: str
    name: str
    retention_active_years: int | None
    retention_inactive_years: int | None
    final_disposition: str


@router.get(
    "/classification-codes",
    response={200: list[CodeOut], **ERROR_RESPONSES},
    operation_id="warkat_letters_api_classification_codes_api",
    auth=scope("letters:read"),
)
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
