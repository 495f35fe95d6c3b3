"""Kinerja: each subordinate's month as the system saw it (dispositions received and
followed up by the deadline, follow-up reports, drafts written, letters signed), and
the superior's monthly assessment with the PermenPANRB 6/2022 ratings.

Who sees what: the holder of a position sees the holders of the positions directly
below it (and assesses them); everyone sees their own month; a leader exports the
people of a unit in their subtree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from warkat.dashboard import errors
from warkat.dashboard.models import PERSON_COUNTERS, Assessment, PersonDay
from warkat.org.selectors import (
    assignments_overlapping,
    people_by_id,
    position_links,
    positions_by_id,
    positions_held,
)


def parse_month(value: str | None, *, today: dt.date) -> dt.date:
    """The first day of the month ``YYYY-MM`` (this month when empty)."""
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except ValueError as exc:
        raise errors.bad_month() from exc


def month_last(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@dataclass
class Evidence:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(PERSON_COUNTERS, 0)
    )

    @property
    def on_time_percent(self) -> int | None:
        due = self.counts["disp_due"]
        return round(self.counts["disp_due_on_time"] * 100 / due) if due else None


def evidence_of(*, person_ids: list[int], month: dt.date) -> dict[int, Evidence]:
    """Each person's counters summed over the month (one query)."""
    out: dict[int, Evidence] = defaultdict(Evidence)
    rows = (
        PersonDay.objects.filter(
            person_id__in=person_ids, day__gte=month, day__lte=month_last(month)
        )
        .order_by()
        .values("person_id")
        .annotate(**{k: Sum(k) for k in PERSON_COUNTERS})
    )
    for row in rows:
        out[row["person_id"]] = Evidence({k: row[k] or 0 for k in PERSON_COUNTERS})
    return out


@dataclass
class KinerjaRow:
    person: Any
    positions: list[Any]
    evidence: Evidence
    assessment: Assessment | None
    may_assess: bool = False


def _holders(position_ids: set[int], month: dt.date) -> dict[int, list[int]]:
    """Person id → the given positions they held during the month."""
    out: dict[int, list[int]] = defaultdict(list)
    for person_id, position_id, _u, _s, _e in assignments_overlapping(
        first=month, last=month_last(month)
    ):
        if position_id in position_ids and position_id not in out[person_id]:
            out[person_id].append(position_id)
    return out


def _rows(
    held: dict[int, list[int]], month: dt.date, assessable: bool
) -> list[KinerjaRow]:
    people = people_by_id(ids=set(held))
    positions = positions_by_id(ids={p for ps in held.values() for p in ps})
    evidence = evidence_of(person_ids=list(people), month=month)
    assessments = {
        a.person_id: a
        for a in Assessment.objects.filter(person_id__in=list(people), month=month)
    }
    rows = [
        KinerjaRow(
            person=people[pk],
            positions=[positions[p] for p in held[pk] if p in positions],
            evidence=evidence.get(pk, Evidence()),
            assessment=assessments.get(pk),
            may_assess=assessable,
        )
        for pk in people
    ]
    return sorted(rows, key=lambda r: r.person.full_name)


def my_positions(*, user: Any) -> list[int]:
    person = getattr(user, "person", None)
    return [a.position_id for a in positions_held(person=person)] if person else []


def subordinates(*, user: Any, month: dt.date) -> list[KinerjaRow]:
    """The holders (during ``month``) of the positions directly below the user's."""
    mine = set(my_positions(user=user))
    below = {pk for pk, superior, _u, _h in position_links() if superior in mine}
    held = _holders(below, month)
    held.pop(getattr(user, "person_id", None) or 0, None)
    return _rows(held, month, assessable=True)


def own(*, user: Any, month: dt.date) -> KinerjaRow | None:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return None
    held = {person_id: my_positions(user=user)}
    rows = _rows(held, month, assessable=False)
    return rows[0] if rows else None


def unit_people(*, unit_ids: list[int], month: dt.date) -> list[KinerjaRow]:
    """Everyone who held a position in ``unit_ids`` during the month (for export)."""
    wanted = set(unit_ids)
    positions = {pk for pk, _s, unit_id, _h in position_links() if unit_id in wanted}
    return _rows(_holders(positions, month), month, assessable=False)


def assessor_position(*, user: Any, person_id: int, month: dt.date) -> int:
    """The user's position directly above one the person held in ``month``."""
    mine = set(my_positions(user=user))
    superior_of = {pk: superior for pk, superior, _u, _h in position_links()}
    for position_id in _holders(set(superior_of), month).get(person_id, []):
        if superior_of.get(position_id) in mine and person_id != user.person_id:
            return superior_of[position_id]  # type: ignore[return-value]
    raise errors.not_assessor()
