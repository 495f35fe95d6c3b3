"""The API's answer, written straight to JSON (``api_json``), is the answer the
declared ``SearchOut`` schema gives for the same search: same keys in the same
order, same values."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from ninja.responses import NinjaJSONEncoder

from warkat.letters.access import Access
from warkat.letters.api.schemas import letter_out
from warkat.letters.models import Letter
from warkat.letters.tests.factories import client_for
from warkat.search.api import FacetOut, HitOut, SearchOut, SnippetOut
from warkat.search.selectors import COUNT_CAP, search_letters
from warkat.search.tests.conftest import NIP

pytestmark = pytest.mark.django_db


def _schema_answer(user: Any, q: str, page: int, per_page: int) -> Any:
    """What the route answered through its schemas before ``api_json``."""
    result = search_letters(user=user, query=q, page=page, per_page=per_page)
    out = SearchOut(
        total=result.total,
        count_cap=COUNT_CAP,
        page=result.page,
        per_page=result.per_page,
        has_next=result.has_next,
        facets={
            name: [FacetOut(value=f.value, label=f.label, count=f.count) for f in fs]
            for name, fs in result.facets.items()
        },
        hits=[
            HitOut(
                rank=hit.rank,
                letter=letter_out(hit.letter, Access.FULL),
                snippets=[
                    SnippetOut(field=s.label, html=str(s.html)) for s in hit.snippets
                ],
            )
            for hit in result.hits
        ],
    )
    return json.loads(json.dumps(SearchOut.model_validate(out), cls=NinjaJSONEncoder))


def _keys(value: Any) -> Any:
    """The keys of every object in ``value``, in order."""
    if isinstance(value, dict):
        return [(k, _keys(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_keys(v) for v in value]
    return None


#: Hits with snippets of every kind and facets, paging, a phrase, numbers, the
#: secret letter (for its chain only) and nothing.
QUERIES = (
    ("anggaran", 1, 20),
    ("pembangunan", 1, 2),
    ("pembangunan", 2, 2),
    ('"pembangunan jembatan"', 1, 20),
    ("800/123/BKPSDM/2026", 1, 20),
    (NIP, 1, 20),
    ("vaksinasi", 1, 20),
    ("klarifikasi bendahara", 1, 20),
    ("tidakada", 1, 20),
)


def test_the_answer_is_the_schemas(corpus: SimpleNamespace) -> None:
    c = corpus
    # A letter read, with a date and a time to write.
    Letter.objects.filter(pk=c.membangun.pk).update(
        read_at=dt.datetime(2026, 11, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)
    )
    for user in (c.o.users.kadis, c.o.users.tu, c.o.users.outsider):
        client = client_for(user)
        for q, page, per_page in QUERIES:
            response = client.get(
                "/api/v1/search", {"q": q, "page": page, "per_page": per_page}
            )
            assert response.status_code == 200, response.content
            assert response["Content-Type"] == "application/json"
            answer = response.json()
            expected = _schema_answer(user, q, page, per_page)
            assert answer == expected, (q, page)
            assert _keys(answer) == _keys(expected), (q, page)
            SearchOut.model_validate(answer)
    # The fixed corpus gives what the cases are about: hits, snippets, facets.
    found = client_for(c.o.users.kadis).get("/api/v1/search", {"q": "anggaran"})
    data = found.json()
    assert data["total"] == 2 and data["facets"]["security"]
    assert all(hit["snippets"] for hit in data["hits"])
    assert any(h["letter"]["read_at"] for h in data["hits"])
