"""Today's board as the API answers it (``GET /api/v1/attendance/today``), written
straight to JSON.

The operation declares ``BoardOut`` (``api.py``) for its OpenAPI schema and this
writes exactly that shape (a test validates an answer against the schema and
compares): building and validating a schema instance per person cost most of the
answer's CPU for a unit of 5,000 people. Dates and times go through the API's own
encoder (``DjangoJSONEncoder``: ISO, milliseconds, ``Z`` for UTC).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from warkat.attendance.selectors import Board


def board_json(board: Board) -> bytes:
    """The answer of ``GET /attendance/today`` for ``board`` (``BoardOut``)."""
    labels: dict[str, str] = {}  # one translation per status, not per person
    people: list[dict[str, Any]] = []
    append = people.append
    for row in board.rows:
        d = row.day
        label = labels.get(d.status)
        if label is None:
            label = labels[d.status] = d.label
        day = {
            "status": str(d.status), "label": label, "late_min": d.late_min,
            "early_min": d.early_min, "missing_in": d.missing_in,
            "missing_out": d.missing_out, "check_in": d.check_in,
            "check_out": d.check_out, "pending_review": d.pending_review,
        }  # fmt: skip
        person = row.person
        append({"person_id": person.pk, "name": person.display_name,
                "position": row.position, "unit": row.unit, "day": day})  # fmt: skip
    body = {
        "unit_id": board.unit.pk,
        "unit": board.unit.name,
        "day": board.day,
        "total": len(board.rows),
        "present": board.present,
        "late": board.late,
        "away": board.away,
        "counts": {str(k): v for k, v in board.counts.items()},
        "people": people,
    }
    # Dates and times as the API's encoder (a ``DjangoJSONEncoder``) writes them.
    return json.dumps(body, separators=(",", ":"), cls=DjangoJSONEncoder).encode()
