"""Reads of the organisation that are more than a ``get``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from warkat.core.errors import ValidationError
from warkat.core.memo import per_action
from warkat.org.memo import OrgMemo
from warkat.org.models import (
    Assignment,
    OrgChange,
    OrgChangeCounter,
    Person,
    Position,
    Unit,
)
from warkat.org.nip import nip_parse


def _today() -> dt.date:
    return timezone.localdate()


def _active_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


_KIND_ORDER = Case(
    When(kind=Assignment.Kind.DEFINITIF, then=Value(0)),
    When(kind=Assignment.Kind.PLT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def position_holders(
    *, position: Position, on: dt.date | None = None
) -> QuerySet[Assignment]:
    """Who holds ``position`` on day ``on`` (today in the tenant's zone by default).

    Definitif first, then Plt, then Plh. The one selector every feature uses to
    turn a position into the people who may act for it.
    """
    day = on or _today()
    return (
        Assignment.objects.filter(_active_on(day), position=position)
        .select_related("person")
        .order_by(_KIND_ORDER, "start_date", "pk")
    )


def positions_held(
    *, person: Person, on: dt.date | None = None
) -> QuerySet[Assignment]:
    """The assignments ``person`` holds on day ``on`` (definitif first)."""
    day = on or _today()
    return (
        Assignment.objects.filter(_active_on(day), person=person)
        .select_related("position", "position__unit")
        .order_by(_KIND_ORDER, "start_date", "pk")
    )


@per_action  # once per batch of letters (``core.memo``)
def holds_position(
    *, person: Person, position: Position, on: dt.date | None = None
) -> Assignment | None:
    """The assignment through which ``person`` holds ``position`` that day, if any."""
    day = on or _today()
    return (
        Assignment.objects.filter(_active_on(day), person=person, position=position)
        .order_by(_KIND_ORDER, "start_date", "pk")
        .first()
    )


# --- tree -------------------------------------------------------------------------

# Siblings are shown OPD first, then districts, then sub-units, then villages.
_KIND_RANK = {
    kind: rank
    for rank, kind in enumerate(
        [
            "pemda", "setda", "setwan", "inspektorat", "dinas", "badan", "asisten",
            "sekretariat", "bagian", "bidang", "subbagian", "seksi", "uptd",
            "kecamatan", "kelurahan", "desa", "lainnya",
        ]
    )
}  # fmt: skip


@dataclass(slots=True)
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)
    match: bool = False

    @property
    def child_count(self) -> int:
        """Active children in the database, loaded here or not (annotated)."""
        return getattr(self.unit, "child_count", len(self.children))

    @property
    def lazy(self) -> bool:
        """Has children that are not loaded yet: the page fetches them on expand."""
        return self.child_count > 0 and not self.children


# Levels the tree page shows at first (the root and its OPD and districts); deeper
# levels are loaded a unit at a time, so the page costs the same at 50 or 5,000 units.
TREE_FIRST_DEPTH = 1


def _with_child_count(units: QuerySet[Unit]) -> QuerySet[Unit]:
    # A correlated count per shown row (parent_id index), not a join with GROUP BY:
    # the database counts only for the rows a LIMIT keeps.
    children = (
        Unit.objects.filter(parent=OuterRef("pk"), is_active=True)
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return units.annotate(
        child_count=Coalesce(Subquery(children, output_field=IntegerField()), 0)
    )


def _sibling_key(unit: Unit) -> tuple[int, str]:
    return (_KIND_RANK.get(unit.kind, 99), unit.name.casefold())


def _build_tree(units: list[Unit], matches: set[int] | None = None) -> list[TreeNode]:
    nodes = {u.pk: TreeNode(u, match=bool(matches and u.pk in matches)) for u in units}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent else roots).append(node)

    stack = [roots]
    while stack:
        level = stack.pop()
        level.sort(key=lambda n: _sibling_key(n.unit))
        stack.extend(n.children for n in level if n.children)
    return roots


def unit_tree(*, max_depth: int = TREE_FIRST_DEPTH) -> list[TreeNode]:
    """The top of the current tenant's organisation tree, down to ``max_depth``, each
    unit with its number of active children (one query)."""
    units = Unit.objects.filter(is_active=True, depth__lte=max_depth)
    return _build_tree(list(_with_child_count(units)))


def unit_child_nodes(*, unit: Unit) -> list[TreeNode]:
    """The active children of ``unit`` in sibling order, each with its own number of
    active children, for expanding one tree node (one query)."""
    children = _with_child_count(Unit.objects.filter(parent=unit, is_active=True))
    return [TreeNode(u) for u in sorted(children, key=_sibling_key)]


def _path_ids(path: str) -> list[int]:
    return [int(p) for p in path.split("/") if p]


def unit_search(*, q: str, limit: int = 50) -> tuple[list[TreeNode], int]:
    """Units whose name or code contains ``q``, shown inside their ancestors, each
    with its number of active children so a match can be expanded further.

    Returns the pruned tree and the number of matches (two queries).
    """
    term = q.strip()
    found = list(
        _with_child_count(
            Unit.objects.filter(
                Q(name__icontains=term) | Q(code__icontains=term), is_active=True
            )
        ).order_by("depth", "name")[:limit]
    )
    matches = {u.pk for u in found}
    ancestor_ids = {i for u in found for i in _path_ids(u.path)} - matches
    ancestors = (
        list(_with_child_count(Unit.objects.filter(pk__in=ancestor_ids)))
        if ancestor_ids
        else []
    )
    return _build_tree(found + ancestors, matches), len(found)


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    """The chain from the root down to ``unit``'s parent (one query)."""
    ids = _path_ids(unit.path)[:-1]
    return list(Unit.objects.filter(pk__in=ids).order_by("depth")) if ids else []


def unit_children(*, unit: Unit) -> list[Unit]:
    return sorted(Unit.objects.filter(parent=unit, is_active=True), key=_sibling_key)


def unit_subtree(*, unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=unit.path)


def units_filter(
    *,
    q: str = "",
    parent: int | None = None,
    kind: str = "",
    active: bool | None = True,
) -> QuerySet[Unit]:
    """Units for lists and the API, filtered and in tree order."""
    units = Unit.objects.all()
    if q.strip():
        units = units.filter(
            Q(name__icontains=q.strip()) | Q(code__icontains=q.strip())
        )
    if parent is not None:
        units = units.filter(parent_id=parent)
    if kind:
        units = units.filter(kind=kind)
    if active is not None:
        units = units.filter(is_active=active)
    return units.order_by("path")


# --- positions and people ----------------------------------------------------------


def _current_assignments(day: dt.date, *, related: tuple[str, ...]) -> QuerySet:
    return (
        Assignment.objects.filter(_active_on(day))
        .select_related(*related)
        .order_by(_KIND_ORDER, "start_date", "pk")
    )


def positions_with_holders(
    *, unit: Unit | None = None, on: dt.date | None = None
) -> QuerySet[Position]:
    """Positions (of ``unit``, or all) with ``.holders``: the assignments active on
    ``on`` (definitif first). Two queries whatever the number of positions."""
    day = on or _today()
    positions = Position.objects.select_related("unit", "superior").prefetch_related(
        Prefetch(
            "assignments",
            queryset=_current_assignments(day, related=("person",)),
            to_attr="holders",
        )
    )
    if unit is not None:
        positions = positions.filter(unit=unit)
    return positions.order_by("-is_head", "eselon", "name", "pk")


def people_filter(
    *, q: str = "", unit: Unit | None = None, active: bool | None = True
) -> QuerySet[Person]:
    """People matching ``q`` (name, or the start of a NIP), optionally those holding
    a position in ``unit``'s subtree today; ordered by name."""
    people = Person.objects.all()
    term = q.strip()
    if term:
        digits = term.replace(" ", "")
        cond = Q(full_name__icontains=term)
        if digits.isdigit():
            cond |= Q(nip__startswith=digits)
        people = people.filter(cond)
    if active is not None:
        people = people.filter(is_active=active)
    if unit is not None:
        people = people.filter(
            pk__in=Assignment.objects.filter(
                _active_on(_today()), position__unit__path__startswith=unit.path
            ).values("person_id")
        )
    return people.order_by("full_name", "pk")


def people_with_positions(
    people: QuerySet[Person], *, on: dt.date | None = None
) -> QuerySet[Person]:
    """``people`` with ``.current``: the assignments they hold on ``on``."""
    day = on or _today()
    return people.prefetch_related(
        Prefetch(
            "assignments",
            queryset=_current_assignments(day, related=("position", "position__unit")),
            to_attr="current",
        )
    )


def people_page(
    *, q: str = "", unit: Unit | None = None, page: int | str = 1, per_page: int = 25
) -> Page:
    """One page of the people list with current positions: three queries."""
    paginator = Paginator(people_filter(q=q, unit=unit), per_page)
    result = paginator.get_page(page)
    result.object_list = list(people_with_positions(result.object_list))  # type: ignore[arg-type]
    return result


def person_history(*, person: Person) -> QuerySet[Assignment]:
    """Every assignment of ``person``, newest first."""
    return (
        Assignment.objects.filter(person=person)
        .select_related("position", "position__unit")
        .order_by("-start_date", "-pk")
    )


def position_history(*, position: Position) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(position=position)
        .select_related("person")
        .order_by("-start_date", "-pk")
    )


# --- for the command centre ---------------------------------------------------------


def position_links() -> QuerySet[Position, tuple[Any, ...]]:
    """Every active position as (id, superior id, unit id, head of unit?): the chain
    of command the command centre derives a leader's subtree from."""
    return (
        Position.objects.filter(is_active=True)
        .order_by()
        .values_list("pk", "superior_id", "unit_id", "is_head")
    )


def positions_below_exist(*, position_ids: list[int]) -> bool:
    """Whether any active position reports directly to one of ``position_ids``."""
    return bool(position_ids) and (
        Position.objects.filter(is_active=True, superior_id__in=position_ids).exists()
    )


def assignments_overlapping(
    *, first: dt.date, last: dt.date
) -> QuerySet[Assignment, tuple[Any, ...]]:
    """Assignments active on some day of ``[first, last]`` as value rows."""
    return (
        Assignment.objects.filter(start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .order_by(_KIND_ORDER, "start_date", "pk")
        .values_list(
            "person_id", "position_id", "position__unit_id", "start_date", "end_date"
        )
    )


def units_by_id(*, ids: list[int] | set[int]) -> dict[int, Unit]:
    return {u.pk: u for u in Unit.objects.filter(pk__in=list(ids))}


def positions_by_id(*, ids: list[int] | set[int]) -> dict[int, Position]:
    return {p.pk: p for p in Position.objects.filter(pk__in=list(ids))}


def people_by_id(*, ids: list[int] | set[int]) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.filter(pk__in=list(ids))}


# --- for other apps (attendance) ---------------------------------------------------


def position_superiors() -> dict[int, int | None]:
    """Every active position's superior (position id → superior id), one query: the
    whole hierarchy, for walking down from a position without a query per level."""
    return dict(
        Position.objects.filter(is_active=True).values_list("pk", "superior_id")
    )


def positions_below(*, position_ids: set[int]) -> set[int]:
    """The active positions under ``position_ids`` through the superior chain, at any
    depth (the given ones excluded unless they are below another)."""
    children: dict[int, list[int]] = {}
    for pk, superior in position_superiors().items():
        if superior is not None:
            children.setdefault(superior, []).append(pk)
    found: set[int] = set()
    stack = list(position_ids)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def head_unit_paths(*, position_ids: set[int]) -> list[str]:
    """Paths of the units whose head position is among ``position_ids``."""
    return list(
        Position.objects.filter(
            pk__in=position_ids, is_head=True, is_active=True
        ).values_list("unit__path", flat=True)
    )


def unit_find(*, unit_id: int) -> Unit | None:
    """An active unit of the current tenant by id (None when unknown)."""
    return Unit.objects.filter(pk=unit_id, is_active=True).first()


def units_by_ids(*, unit_ids: set[int]) -> dict[int, Unit]:
    return {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}


def person_find(*, person_id: int | None = None, nip: str = "") -> Person | None:
    """An active person of the current tenant by id or NIP (None when unknown)."""
    people = Person.objects.filter(is_active=True)
    if person_id is not None:
        return people.filter(pk=person_id).first()
    return people.filter(nip=nip).first() if nip else None


def appointment_date(*, person: Person) -> dt.date | None:
    """When the person entered the service: the TMT CPNS month a PNS NIP carries
    (the TMT year of a PPPK); None without a valid NIP (non-ASN, not recorded)."""
    if person.employee_type not in ("pns", "pppk") or not person.nip:
        return None
    try:
        return nip_parse(person.nip, employee_type=person.employee_type).tmt
    except ValidationError:
        return None


def people_by_ids(*, person_ids: set[int]) -> dict[int, Person]:
    return {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}


def current_positions(
    *, person_ids: set[int], on: dt.date | None = None
) -> dict[int, list[Assignment]]:
    """The assignments each person holds on ``on`` (definitif first), with their
    position and unit: one query for any number of people."""
    day = on or _today()
    held: dict[int, list[Assignment]] = {pk: [] for pk in person_ids}
    for a in _current_assignments(day, related=("position", "position__unit")).filter(
        person_id__in=person_ids
    ):
        held[a.person_id].append(a)
    return held


def holders_of(*, position_ids: set[int], on: dt.date | None = None) -> set[int]:
    """The people holding any of ``position_ids`` on ``on`` (Plt/Plh included)."""
    day = on or _today()
    return set(
        Assignment.objects.filter(
            _active_on(day), position_id__in=position_ids
        ).values_list("person_id", flat=True)
    )


def org_changes_since(*, since: int, limit: int) -> list[OrgChange]:
    """The next ``limit`` changes of the active tenant after cursor ``since``, in
    order. The cursor is the ``seq`` of the last change a reader has applied."""
    return list(OrgChange.objects.filter(seq__gt=since).order_by("seq")[:limit])


def org_version(*, tenant_id: int) -> int:
    """A number that moves on with every committed change of the tenant's units,
    positions, people and assignments (the change feed's last ``seq``): what is
    derived from the organisation can be cached under it."""
    seq = (
        OrgChangeCounter.objects.filter(tenant_id=tenant_id)
        .values_list("last_seq", flat=True)
        .first()
    )
    return int(seq or 0)


def held_unit_ids_sql(person: str, day: str) -> str:
    """SQL of the ids of the units (and their ancestors) of the positions ``person``
    holds on ``day`` (SQL expressions), for callers that read everything they need
    in one statement (attendance's check-in); ``current_positions`` in SQL."""
    return f"""
    SELECT DISTINCT unnest(string_to_array(trim(both '/' from u.path), '/'))::bigint
      FROM org_assignment a
      JOIN org_position p ON p.id = a.position_id
      JOIN org_unit u ON u.id = p.unit_id
     WHERE a.person_id = {person} AND a.start_date <= {day}
       AND (a.end_date IS NULL OR a.end_date >= {day})"""


@dataclass(frozen=True)
class Holder:
    """A person holding a position in a subtree, as boards and recaps of thousands
    of people show them (read without model instances)."""

    pk: int
    display_name: str
    nip: str | None
    #: The first position held (definitif first) and its unit, wherever it is.
    position: str
    unit: str
    unit_path: str
    #: The unit path of the first position held inside the subtree.
    inside_path: str


def subtree_people(*, unit: Unit, on: dt.date | None = None) -> QuerySet[Any]:
    """The ids of the people holding a position in ``unit``'s subtree on ``on``, as
    a subquery (``values("person_id")``): readers of thousands of people's rows
    filter by it in SQL instead of sending every id (the board)."""
    return Assignment.objects.filter(
        _active_on(on or _today()), position__unit__path__startswith=unit.path
    ).values("person_id")


#: Subtrees' holders by (tenant, organisation version, unit path, day): a board of a
#: whole pemda reads 5,000 people's names and positions, which change far less often
#: than it is opened.
_HOLDERS: OrgMemo[list[Holder]] = OrgMemo(16)


def subtree_holders(*, unit: Unit, on: dt.date | None = None) -> list[Holder]:
    """The active people holding a position in ``unit``'s subtree on ``on`` (those of
    ``people_filter(unit=…)``, by name), each with the first of all the positions
    they hold (``current_positions``' order): one query, tuples only; kept per
    process under the organisation's version (the list is shared: never change it)."""
    day = on or _today()
    key = (unit.tenant_id, org_version(tenant_id=unit.tenant_id), unit.path, day)
    return _HOLDERS.get(key, lambda: _holders_read(unit, day))


def _holders_read(unit: Unit, day: dt.date) -> list[Holder]:
    inside = subtree_people(unit=unit, on=day)
    rows = (
        Assignment.objects.filter(
            _active_on(day), person_id__in=inside, person__is_active=True
        )
        .order_by("person__full_name", "person_id", _KIND_ORDER, "start_date", "pk")
        .values_list(
            "person_id",
            "person__full_name",
            "person__front_title",
            "person__back_title",
            "person__nip",
            "position__name",
            "position__unit__name",
            "position__unit__path",
        )
    )
    found: list[Holder] = []
    first: tuple[Any, ...] | None = None
    inside_path = ""
    for row in [*rows, None]:
        if first is not None and (row is None or row[0] != first[0]):
            pk, name, front, back, nip, position, unit_name, path = first
            if front:
                name = f"{front} {name}"
            if back:
                name = f"{name}, {back}"
            found.append(
                Holder(pk, name, nip, position, unit_name, path, inside_path or path)
            )
            first = None
        if row is None:
            break
        if first is None:
            first, inside_path = row, ""
        if not inside_path and row[7].startswith(unit.path):
            inside_path = row[7]
    return found
