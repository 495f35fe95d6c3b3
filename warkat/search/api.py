# Ninja reads parameter annotations at import time: no postponed annotations here.
"""HTTP API of the search: ``GET /search`` over the letters the caller may read."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, PageNo, scope
from warkat.letters.api.schemas import LetterOut
from warkat.org.api import in_caller_tenant
from warkat.search.api_json import search_json
from warkat.search.selectors import MAX_PER_PAGE, SearchFilters, search_letters

router = Router(tags=["search"])


class SnippetOut(Schema):
    field: str = Field(
        description="number, sender, subject, summary, note, disposition, "
        "follow_up or file"
    )
    html: str = Field(description="escaped text; matched words in <mark>")


class HitOut(Schema):
    rank: float
    letter: LetterOut
    snippets: list[SnippetOut]


class FacetOut(Schema):
    value: str = Field(description="the filter value (a unit's id, a year)")
    label: str
    count: int


class SearchOut(Schema):
    total: int = Field(
        description="hits, exact up to count_cap; count_cap + 1 means more"
    )
    count_cap: int
    page: int
    per_page: int
    has_next: bool
    hits: list[HitOut]
    facets: dict[str, list[FacetOut]] = Field(
        description="counts of the hits (the same capped set as total) by "
        "direction, security, unit and year"
    )


class SearchQuery(Schema):
    q: str = Field("", max_length=2000)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit_id: Id | None = None
    direction: str = Field("", max_length=20)
    classification: str = Field("", max_length=20)
    security: str = Field("", max_length=20)
    state: str = Field("", max_length=20)
    page: PageNo = 1
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE)


@router.get(
    "/search",
    response={200: SearchOut, **ERROR_RESPONSES},
    operation_id="warkat_search_api_search",
    auth=scope("letters:read"),
)
@in_caller_tenant
def search_api(request: HttpRequest, q: Query[SearchQuery]) -> Any:
    """Letters the caller may read in full that match ``q`` (all words; "quoted
    phrases"; a letter number or NIP exactly), best first, with highlighted
    snippets. A secret letter outside the caller's chain is never a hit nor
    counted. An empty or unusable query answers 422 with a message."""
    user = request.auth  # type: ignore[attr-defined]
    filters = SearchFilters(
        date_from=q.date_from,
        date_to=q.date_to,
        unit_id=q.unit_id,
        direction=q.direction,
        classification=q.classification,
        security=q.security,
        state=q.state,
    )
    result = search_letters(
        user=user, query=q.q, filters=filters, page=q.page, per_page=q.per_page
    )
    # Written straight to JSON in the shape of SearchOut (a test compares it with
    # the schema's own answer): a schema instance per hit, letter and snippet cost
    # about a quarter of the request's CPU.
    return HttpResponse(search_json(result), content_type="application/json")
