"""The answer of ``GET /api/v1/search`` written straight to JSON.

The operation declares ``SearchOut`` (``api.py``) for its OpenAPI document and this
writes exactly that shape (a test compares it with the schema's own serialisation
for a fixed corpus): building and validating a schema instance per hit, per letter
and per snippet cost about a quarter of the request's CPU. Dates and times go
through the API's own encoder (``DjangoJSONEncoder``), as the schema's answer does.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from warkat.search.selectors import COUNT_CAP, SearchPage


def _letter(letter: Any) -> dict[str, Any]:
    """``LetterOut`` of a letter the caller may read in full (``Access.FULL``: a
    search hit is never a restricted letter)."""
    classification = letter.classification
    return {
        "id": letter.pk, "restricted": False, "direction": letter.direction,
        "unit_id": letter.unit_id, "agenda_number": letter.agenda_number,
        "agenda_year": letter.agenda_year, "received_date": letter.received_date,
        "number": letter.number, "letter_date": letter.letter_date,
        "sender_institution": letter.sender_institution,
        "sender_name": letter.sender_name, "security": letter.security,
        "urgency": letter.urgency, "is_copy": letter.is_copy,
        "subject": letter.subject, "summary": letter.summary,
        "classification_code": classification.code if classification else None,
        "addressed_position_id": letter.addressed_position_id,
        "status": letter.status, "read_at": letter.read_at,
    }  # fmt: skip


def search_json(result: SearchPage) -> bytes:
    """The answer for ``result`` in the shape of ``SearchOut``."""
    body = {
        "total": result.total,
        "count_cap": COUNT_CAP,
        "page": result.page,
        "per_page": result.per_page,
        "has_next": result.has_next,
        "hits": [
            {
                "rank": float(hit.rank),
                "letter": _letter(hit.letter),
                "snippets": [
                    {"field": s.label, "html": str(s.html)} for s in hit.snippets
                ],
            }
            for hit in result.hits
        ],
        "facets": {
            name: [
                {"value": f.value, "label": f.label, "count": f.count} for f in facets
            ]
            for name, facets in result.facets.items()
        },
    }
    return json.dumps(body, separators=(",", ":"), cls=DjangoJSONEncoder).encode()
