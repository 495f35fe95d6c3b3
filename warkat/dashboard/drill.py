"""Drilling down below a unit: its positions with their open and overdue
dispositions, and the letters behind a position's figure (secrecy kept by the
letters app's access rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from warkat.dashboard import errors
from warkat.dashboard.scope import Scope
from warkat.dispositions.selectors import open_counts_by_position, open_dispositions_of
from warkat.letters.selectors import OverviewLine, letter_lines_for_overview
from warkat.org.selectors import positions_by_id, positions_with_holders

if TYPE_CHECKING:
    from warkat.org.models import Position, Unit

#: Letters listed behind a position's figure at most (the rest are counted).
MAX_LINES = 100


@dataclass
class PositionRow:
    position: Position
    holder: str
    open: int
    overdue: int


def unit_positions(*, unit: Unit, today: dt.date) -> list[PositionRow]:
    positions = list(positions_with_holders(unit=unit, on=today).filter(is_active=True))
    counts = open_counts_by_position(
        position_ids=[p.pk for p in positions], today=today
    )
    rows = []
    for p in positions:
        holders = getattr(p, "holders", [])
        holder = holders[0].person.display_name if holders else ""
        open_, overdue = counts.get(p.pk, (0, 0))
        rows.append(PositionRow(p, holder, open_, overdue))
    return sorted(rows, key=lambda r: (-r.overdue, -r.open, r.position.name))


@dataclass
class LetterRow:
    disposition_id: int
    deadline: dt.date | None
    sent_at: dt.datetime
    state: str
    overdue: bool
    letter: OverviewLine


@dataclass
class PositionLetters:
    position: Position
    rows: list[LetterRow]
    #: Letters the viewer may not see named (Terbatas and secret ones).
    hidden: int
    #: Rows beyond ``MAX_LINES``.
    more: int


def position_in_scope(*, scope: Scope, position_id: int) -> Position:
    position = positions_by_id(ids=[position_id]).get(position_id)
    if position is None or not scope.covers(position.unit_id):
        raise errors.position_not_found()
    return position


def position_letters(
    *, user: Any, scope: Scope, position_id: int, today: dt.date
) -> PositionLetters:
    """The open dispositions of a covered position (overdue first) and their letters."""
    position = position_in_scope(scope=scope, position_id=position_id)
    shown = list(open_dispositions_of(position_ids=[position.pk])[:MAX_LINES])
    total = open_counts_by_position(position_ids=[position.pk], today=today)
    total_open = total.get(position.pk, (0, 0))[0]
    lines, hidden = letter_lines_for_overview(
        user=user, letter_ids=sorted({d["letter_id"] for d in shown})
    )
    rows = [
        LetterRow(
            disposition_id=d["id"],
            deadline=d["deadline"],
            sent_at=d["sent_at"],
            state=d["state"],
            overdue=d["deadline"] is not None and d["deadline"] < today,
            letter=lines[d["letter_id"]],
        )
        for d in shown
        if d["letter_id"] in lines
    ]
    return PositionLetters(position, rows, hidden, max(0, total_open - len(shown)))
