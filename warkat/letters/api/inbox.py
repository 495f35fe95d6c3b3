# Ninja reads parameter annotations at import time: no postponed annotations here.
"""The inbox: letters and dispositions waiting for the caller, with its counters."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, PageNo, scope
from warkat.letters.access import Access
from warkat.letters.api.schemas import LetterOut, letter_out
from warkat.letters.inbox import COUNTER_CAP, InboxFilters, inbox_page
from warkat.org.api import in_caller_tenant

router = Router()


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


@router.get(
    "/inbox",
    response={200: InboxOut, **ERROR_RESPONSES},
    operation_id="warkat_letters_api_inbox_api",
    auth=scope("letters:read"),
)
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
