"""Who may see and decide whose attendance.

A person sees their own records; a superior the people below the positions they
hold today (through the superior chain, Plt/Plh included); the personnel office
(BKPSDM role) the whole tenant; another tenant nothing (the tenant scope).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from warkat.accounts.models import Role
from warkat.attendance import errors
from warkat.org.models import Person, Unit
from warkat.org.selectors import current_positions, head_unit_paths, positions_below


def actor_person(actor: Any) -> Person:
    person = getattr(actor, "person", None)
    if person is None:
        raise errors.no_person()
    return person


def is_personnel_office(actor: Any) -> bool:
    return bool(actor is not None and actor.has_role(Role.KEPEGAWAIAN))


def held_position_ids(person_id: int, day: dt.date | None = None) -> set[int]:
    return {
        a.position_id
        for a in current_positions(person_ids={person_id}, on=day)[person_id]
    }


def below_position_ids(actor: Any, day: dt.date | None = None) -> set[int]:
    """Positions below those ``actor`` holds today (cached on the actor)."""
    cached = getattr(actor, "_attendance_below", None)
    if cached is None:
        held = held_position_ids(actor.person_id, day) if actor.person_id else set()
        cached = positions_below(position_ids=held) if held else set()
        actor._attendance_below = cached
    return cached


def may_see_person(actor: Any, person: Person, day: dt.date | None = None) -> bool:
    if is_personnel_office(actor) or actor.person_id == person.pk:
        return True
    below = below_position_ids(actor, day)
    return bool(below) and bool(held_position_ids(person.pk, day) & below)


def may_review_person(actor: Any, person: Person, day: dt.date | None = None) -> bool:
    """Superiors and the personnel office, never the person themself."""
    if actor.person_id == person.pk:
        return False
    return may_see_person(actor, person, day)


def require_see_person(actor: Any, person: Person) -> None:
    if not may_see_person(actor, person):
        raise errors.forbidden()


def visible_unit_paths(actor: Any) -> list[str]:
    """Subtrees whose board ``actor`` may see: "" (everything) for the personnel
    office, else the units headed by positions they hold or that are below them."""
    if is_personnel_office(actor):
        return [""]
    if not actor.person_id:
        return []
    held = held_position_ids(actor.person_id)
    return head_unit_paths(position_ids=held | below_position_ids(actor))


def may_see_unit(actor: Any, unit: Unit) -> bool:
    return any(unit.path.startswith(p) for p in visible_unit_paths(actor))


def require_see_unit(actor: Any, unit: Unit) -> None:
    if not may_see_unit(actor, unit):
        raise errors.forbidden()


def home_unit_paths(person: Person, day: dt.date | None = None) -> list[str]:
    """Paths of the units of the positions ``person`` holds (definitif first)."""
    held = current_positions(person_ids={person.pk}, on=day)[person.pk]
    return [a.position.unit.path for a in held]
