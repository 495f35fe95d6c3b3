"""Which units a leader's command-centre pages cover: their subtree.

A position covers the units headed by itself and by every position below it in the
chain of command (superior links), with those units' whole subtrees. So the Bupati
(head of the Pemda unit) covers the tenant, the Sekda the OPD whose heads report to
the Sekda, a Kepala Dinas the dinas, a Kabid the bidang; a position that heads
nothing and has no one below covers nothing. Tenant administrators cover the tenant.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from warkat.dashboard import errors
from warkat.dashboard.cache import org_cached
from warkat.org.selectors import (
    position_links,
    positions_below_exist,
    positions_held,
    units_filter,
)

if TYPE_CHECKING:
    from warkat.org.models import Unit


@dataclass
class Scope:
    #: The top units of the covered subtrees (none inside another).
    roots: list[Unit] = field(default_factory=list)
    #: Every covered unit by id.
    units: dict[int, Unit] = field(default_factory=dict)
    #: Whether the scope covers every unit of the tenant (no unit filter needed).
    whole: bool = False

    def __bool__(self) -> bool:
        return bool(self.roots)

    def covers(self, unit_id: int | None) -> bool:
        return unit_id is not None and unit_id in self.units

    def children(self, unit: Unit | None) -> list[Unit]:
        """Covered units right below ``unit`` (the roots when None)."""
        if unit is None:
            return list(self.roots)
        kids = [u for u in self.units.values() if u.parent_id == unit.pk]
        return sorted(kids, key=lambda u: (u.path, u.pk))

    def subtree_ids(self, unit: Unit) -> list[int]:
        return [u.pk for u in self.units.values() if u.path.startswith(unit.path)]

    def ids_below(self, unit: Unit | None) -> list[int] | None:
        """The unit ids a figure of ``unit`` (the whole scope when None) sums; None
        when that is every unit of the tenant."""
        only_root = len(self.roots) == 1 and unit is not None and unit == self.roots[0]
        if unit is None or (self.whole and only_root):
            return None if self.whole else list(self.units)
        return self.subtree_ids(unit)


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "has_role", None) and user.has_role("tenant_admin"))


def _headed_units(position_ids: list[int]) -> set[int]:
    below: dict[int | None, list[tuple[int, int, bool]]] = defaultdict(list)
    by_id: dict[int, tuple[int, int, bool]] = {}
    for pk, superior_id, unit_id, is_head in position_links():
        below[superior_id].append((pk, unit_id, is_head))
        by_id[pk] = (pk, unit_id, is_head)
    headed: set[int] = set()
    seen: set[int] = set()
    stack = [by_id[p] for p in position_ids if p in by_id]
    while stack:
        pk, unit_id, is_head = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        if is_head:
            headed.add(unit_id)
        stack.extend(below.get(pk, []))
    return headed


def _scope_of(top: set[int] | None) -> Scope:
    """The scope of the units ``top`` (every unit of the tenant when None)."""
    units = list(units_filter(active=None))
    if top is None:
        top = {u.pk for u in units if u.parent_id is None}
    by_id = {u.pk: u for u in units}
    root_paths = sorted((by_id[pk].path for pk in top if pk in by_id), key=len)
    kept: list[str] = []
    for path in root_paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    covered = {u.pk: u for u in units if any(u.path.startswith(k) for k in kept)}
    return Scope(
        roots=sorted((u for u in units if u.path in kept), key=lambda u: u.path),
        units=covered,
        whole=len(covered) == len(units),
    )


def _leader_scope(position_ids: list[int]) -> Scope:
    top = _headed_units(position_ids)
    return _scope_of(top) if top else Scope()


def leader_scope(*, user: Any) -> Scope:
    """The units ``user`` may see figures of (empty when none). It depends only on
    the positions the user holds and on the organisation: kept in the cache under
    the organisation's version, so a leader's request reads neither the chain of
    command nor the unit tree again until one of them changes."""
    cached = getattr(user, "_warkat_dashboard_scope", None)
    if cached is not None:
        return cached
    if _is_admin(user):
        scope = org_cached("scope:admin", lambda: _scope_of(None))
    else:
        person = getattr(user, "person", None)
        held = list(positions_held(person=person)) if person else []
        ids = sorted({a.position_id for a in held})
        # Most staff head nothing and have no one below them: they cover nothing,
        # known without reading the whole chain of command and every unit (which
        # the home page asked on every view).
        leads = any(a.position.is_head for a in held) or positions_below_exist(
            position_ids=ids
        )
        scope = (
            org_cached(f"scope:{','.join(map(str, ids))}", lambda: _leader_scope(ids))
            if leads
            else Scope()
        )
    user._warkat_dashboard_scope = scope
    return scope


def require_scope(*, user: Any) -> Scope:
    scope = leader_scope(user=user)
    if not scope:
        raise errors.no_scope()
    return scope


def unit_in_scope(*, scope: Scope, unit_id: int) -> Unit:
    """A covered unit, or "not found" (another subtree or tenant looks the same)."""
    unit = scope.units.get(unit_id)
    if unit is None:
        raise errors.unit_not_found()
    return unit
