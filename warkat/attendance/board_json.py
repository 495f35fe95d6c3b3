"""Today's board as the API answers it (``GET /api/v1/attendance/today``), written
straight to JSON.

The operation declares ``BoardOut`` (``api.py``) for its OpenAPI schema and this
writes exactly that shape (a test validates an answer against the schema and
compares): building and validating a schema instance per person cost most of the
answer's CPU for a unit of 5,000 people, and so did a dictionary per person and
day for the JSON encoder. Each person's row is written here from pieces: the
strings through the JSON encoder (each distinct position, unit and status label
once), the numbers and flags as JSON writes them, and times as the API's encoder
(``DjangoJSONEncoder``) writes them: ISO, milliseconds, ``Z`` for UTC.
"""

from __future__ import annotations

import datetime as dt
import json
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from warkat.attendance.selectors import Board

_FLAG = {False: "false", True: "true"}
#: A string as JSON (ASCII, escaped as ``json.dumps`` writes it), without the
#: encoder's per-call set-up.
_text = encode_basestring_ascii


def _time(value: dt.datetime | None) -> str:
    """A time as ``DjangoJSONEncoder.default`` writes it (its datetime branch: ISO,
    microseconds cut to milliseconds, ``Z`` for UTC), without the type tests."""
    if value is None:
        return "null"
    r = value.isoformat()
    if value.microsecond:
        r = r[:23] + r[26:]
    if r.endswith("+00:00"):
        r = r[:-6] + "Z"
    return f'"{r}"'


def board_json(board: Board) -> bytes:
    """The answer of ``GET /attendance/today`` for ``board`` (``BoardOut``)."""
    text = _text
    strings: dict[str, str] = {}  # positions, units: each written once

    def string(value: str) -> str:
        out = strings.get(value)
        if out is None:
            out = strings[value] = text(value)
        return out

    labels: dict[str, str] = {}  # one translation per status, not per person
    rows: list[str] = []
    append = rows.append
    for row in board.rows:
        d = row.day
        label = labels.get(d.status)
        if label is None:
            label = labels[d.status] = (
                f'"status":{text(d.status)},"label":{text(d.label)}'
            )
        append(
            f'{{"person_id":{int(row.person.pk)},"name":{text(row.person.display_name)},'
            f'"position":{string(row.position)},"unit":{string(row.unit)},'
            f'"day":{{{label},"late_min":{int(d.late_min)},'
            f'"early_min":{int(d.early_min)},"missing_in":{_FLAG[d.missing_in]},'
            f'"missing_out":{_FLAG[d.missing_out]},"check_in":{_time(d.check_in)},'
            f'"check_out":{_time(d.check_out)},'
            f'"pending_review":{_FLAG[d.pending_review]}}}}}'
        )
    head: dict[str, Any] = {
        "unit_id": board.unit.pk,
        "unit": board.unit.name,
        "day": board.day.isoformat(),
        "total": len(board.rows),
        "present": board.present,
        "late": board.late,
        "away": board.away,
        "counts": {str(k): v for k, v in board.counts.items()},
    }
    start = json.dumps(head, separators=(",", ":"))[:-1]
    return f'{start},"people":[{",".join(rows)}]}}'.encode()
