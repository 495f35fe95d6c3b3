"""Every write to the organisation: units, positions, people, assignments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from warkat.audit.services import audit_record
from warkat.org import cleaning as clean
from warkat.org import errors
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.nip import PNS_RANKS, PPPK_RANKS, nip_parse
from warkat.org.permissions import (
    require_manage_unit,
    require_org_admin,
)
from warkat.tenancy.models import Tenant
from warkat.tenancy.regions import region_subtree

_REGION_UNIT_KIND = {
    "kecamatan": Unit.Kind.KECAMATAN,
    "desa": Unit.Kind.DESA,
    "kelurahan": Unit.Kind.KELURAHAN,
}


def _assign_paths(units: list[Unit]) -> None:
    """Set ``path``/``depth`` of freshly created units (parents first)."""
    by_id = {u.pk: u for u in units}
    for unit in units:
        parent = by_id.get(unit.parent_id) if unit.parent_id else None
        if unit.parent_id and parent is None:
            parent = Unit.objects.get(pk=unit.parent_id)
        unit.path = f"{parent.path if parent else ''}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0


@transaction.atomic
def unit_tree_from_regions(*, tenant: Tenant, include_subregions: bool = True) -> int:
    """Create the tenant's root unit and its kecamatan/desa units from region data.

    Returns the number of units created. Must run inside the tenant's scope.
    """
    regions = region_subtree(tenant.region_code)
    root = Unit(
        tenant=tenant,
        kind=Unit.Kind.PEMDA,
        name=f"Pemerintah {tenant.name}",
        code="PEMDA",
        region_code=tenant.region_code,
        path="",
    )
    root.save()
    created = [root]
    if include_subregions and tenant.level != Tenant.Level.PROVINSI:
        district_units: dict[str, Unit] = {}
        districts = [r for r in regions if r.level == "kecamatan"]
        new = [
            Unit(
                tenant=tenant,
                parent=root,
                kind=Unit.Kind.KECAMATAN,
                name=f"{tenant.district_word} {r.name}",
                code=f"KEC.{r.code}",
                region_code=r.code,
                path="",
                depth=1,
            )
            for r in districts
        ]
        Unit.objects.bulk_create(new)
        district_units = {u.region_code: u for u in new if u.region_code}
        villages = [
            Unit(
                tenant=tenant,
                parent=district_units[r.parent_code],
                kind=_REGION_UNIT_KIND.get(r.kind, Unit.Kind.DESA),
                name=(
                    f"Kelurahan {r.name}"
                    if r.kind == "kelurahan"
                    else f"{tenant.village_word} {r.name}"
                ),
                code=f"DESA.{r.code}",
                region_code=r.code,
                path="",
                depth=2,
            )
            for r in regions
            if r.level == "desa_kelurahan" and r.parent_code in district_units
        ]
        Unit.objects.bulk_create(villages)
        created += new + villages
    _assign_paths(created)
    Unit.objects.bulk_update(created, ["path", "depth"])
    return len(created)


def unit_root(*, tenant: Tenant) -> Unit:
    return Unit.objects.get(tenant=tenant, kind=Unit.Kind.PEMDA, parent__isnull=True)


# --- units ------------------------------------------------------------------------

_UNIT_KINDS = [k for k in Unit.Kind.values if k != Unit.Kind.PEMDA]
_UNIT_FIELDS = frozenset(
    {
        "parent", "kind", "name", "code", "region_code", "address", "phone",
        "email", "website", "is_active",
    }
)  # fmt: skip
_MAX_PATH = 500


def _unit_values(fields: dict[str, Any]) -> dict[str, Any]:
    cleaners: dict[str, Callable[[Any], Any]] = {
        "kind": lambda v: clean.choice("kind", v, _UNIT_KINDS),
        "name": lambda v: clean.text("name", v, max_len=200, required=True),
        "code": lambda v: clean.code("code", v, max_len=40),
        "region_code": lambda v: clean.text("region_code", v, max_len=13) or None,
        "address": lambda v: clean.text("address", v, max_len=300),
        "phone": clean.phone,
        "email": clean.email,
        "website": lambda v: clean.text("website", v, max_len=200),
        "is_active": bool,
    }
    values = {k: cleaners[k](v) for k, v in fields.items() if k in cleaners}
    return values


def _unit_conflicts(unit: Unit, values: dict[str, Any]) -> None:
    others = Unit.objects.filter(tenant_id=unit.tenant_id).exclude(pk=unit.pk)
    if "code" in values and others.filter(code=values["code"]).exists():
        raise errors.code_duplicate("unit", values["code"])
    region = values.get("region_code")
    if region and others.filter(region_code=region).exists():
        raise errors.region_duplicate(region)


def _usable_parent(parent: Unit | None, tenant: Tenant) -> Unit:
    if parent is None:
        raise errors.parent_required()
    clean.same_tenant(parent, tenant, "parent")
    if not parent.is_active:
        raise errors.inactive("unit", parent.name, "parent")
    return parent


@transaction.atomic
def unit_create(
    *,
    tenant: Tenant,
    actor: Any | None,
    parent: Unit | None,
    kind: str,
    name: str,
    code: str,
    region_code: str | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
) -> Unit:
    """Create a unit under ``parent`` (an OPD under the Pemda, a bidang under an OPD…)."""
    parent = _usable_parent(parent, tenant)
    require_manage_unit(user=actor, unit=parent)
    values = _unit_values(
        {
            "kind": kind, "name": name, "code": code, "region_code": region_code,
            "address": address, "phone": phone, "email": email, "website": website,
        },
    )  # fmt: skip
    unit = Unit(tenant=tenant, parent=parent, path="", depth=parent.depth + 1, **values)
    _unit_conflicts(unit, values)
    if len(parent.path) + 21 > _MAX_PATH:
        raise errors.path_too_deep()
    clean.save_unique(unit, on_conflict=errors.code_duplicate("unit", unit.code))
    unit.path = f"{parent.path}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="unit.create",
        obj=unit,
        data={"parent": parent.pk, "code": unit.code, "kind": unit.kind},
    )
    return unit


def _unit_move(unit: Unit, new_parent: Unit) -> None:
    """Re-parent ``unit`` and rewrite the paths and depths of its whole subtree."""
    if new_parent.path.startswith(unit.path):
        raise errors.unit_cycle(unit.name, new_parent.name)
    old_prefix = unit.path
    new_prefix = f"{new_parent.path}{unit.pk}/"
    delta = new_parent.depth + 1 - unit.depth
    subtree = Unit.objects.filter(tenant_id=unit.tenant_id, path__startswith=old_prefix)
    deepest = max(len(p) for p in subtree.values_list("path", flat=True))
    if deepest - len(old_prefix) + len(new_prefix) > _MAX_PATH:
        raise errors.path_too_deep()
    subtree.update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        depth=F("depth") + delta,
    )
    unit.path = new_prefix
    unit.depth += delta


@transaction.atomic
def unit_update(*, unit: Unit, actor: Any | None, **fields: Any) -> Unit:
    """Change a unit's fields; ``parent=`` moves it (with its subtree) elsewhere."""
    clean.check_fields(fields, _UNIT_FIELDS)
    tenant = unit.tenant
    moving = "parent" in fields
    if moving:
        # Every move locks the tenant's root first: two concurrent moves could
        # otherwise each pass the ancestor check and together build a cycle.
        Unit.objects.select_for_update().filter(
            tenant=tenant, parent__isnull=True
        ).first()
    unit = Unit.objects.select_for_update().get(pk=unit.pk, tenant=tenant)
    require_manage_unit(user=actor, unit=unit)
    is_root = unit.parent_id is None
    values = _unit_values({k: v for k, v in fields.items() if k != "parent"})
    if is_root and (
        moving
        or values.get("kind", unit.kind) != unit.kind
        or values.get("is_active", True) is False
    ):
        raise errors.unit_root_fixed()
    if is_root:
        values.pop("kind", None)
    _unit_conflicts(unit, {k: v for k, v in values.items() if getattr(unit, k) != v})
    if values.get("is_active") is False and unit.is_active:
        _check_deactivatable(unit)
    changed = clean.changes(unit, values)
    if moving:
        new_parent = fields["parent"]
        if new_parent is None or new_parent.pk != unit.parent_id:
            new_parent = _usable_parent(new_parent, tenant)
            new_parent = Unit.objects.get(pk=new_parent.pk)  # fresh path
            require_manage_unit(user=actor, unit=new_parent)
            old_parent = unit.parent_id
            _unit_move(unit, new_parent)
            unit.parent = new_parent
            changed["parent"] = (old_parent, new_parent.pk)
    if not changed:
        return unit
    clean.save_unique(unit, on_conflict=errors.code_duplicate("unit", unit.code))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="unit.move" if "parent" in changed else "unit.update",
        obj=unit,
        data=clean.audit_changes(changed),
    )
    return unit


def _check_deactivatable(unit: Unit) -> None:
    if unit.parent_id is None:
        raise errors.unit_root_fixed()
    if Unit.objects.filter(parent=unit, is_active=True).exists():
        raise errors.unit_has_children(unit.name)
    today = timezone.localdate()
    held = Assignment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        position__unit=unit,
    )
    if held.exists():
        raise errors.unit_has_holders(unit.name)


@transaction.atomic
def unit_deactivate(*, unit: Unit, actor: Any | None) -> Unit:
    """Retire a unit without sub-units or holders; its positions retire with it."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk, tenant_id=unit.tenant_id)
    require_manage_unit(user=actor, unit=unit)
    if not unit.is_active:
        return unit
    _check_deactivatable(unit)
    unit.is_active = False
    unit.save(update_fields=["is_active", "updated_at"])
    retired = Position.objects.filter(unit=unit, is_active=True).update(is_active=False)
    audit_record(
        tenant=unit.tenant,
        actor=actor,
        action="unit.deactivate",
        obj=unit,
        data={"positions_retired": retired},
    )
    return unit


# --- positions --------------------------------------------------------------------

_ESELON_BY_CATEGORY: dict[str, frozenset[str]] = {
    Position.Category.JPT: frozenset({"I.a", "I.b", "II.a", "II.b"}),
    Position.Category.ADMINISTRATOR: frozenset({"III.a", "III.b"}),
    Position.Category.PENGAWAS: frozenset({"IV.a", "IV.b", "V.a"}),
}
_POSITION_FIELDS = frozenset(
    {"unit", "name", "code", "category", "eselon", "superior", "is_head", "is_active"}
)


def _position_check(position: Position) -> None:
    """Rules across fields: echelon fits the category, one head per unit, no
    circular reporting line, live unit and superior."""
    if position.eselon and position.eselon not in _ESELON_BY_CATEGORY.get(
        position.category, frozenset()
    ):
        raise errors.eselon_mismatch(position.eselon, position.category)
    if position.is_active and not position.unit.is_active:
        raise errors.inactive("unit", position.unit.name, "unit")
    superior = position.superior
    if superior is not None:
        clean.same_tenant(superior, position.tenant, "superior")
        if position.is_active and not superior.is_active:
            raise errors.inactive("position", superior.name, "superior")
        if position.pk:
            superiors = dict(
                Position.objects.filter(tenant_id=position.tenant_id).values_list(
                    "pk", "superior_id"
                )
            )
            step: int | None = superior.pk
            while step is not None:
                if step == position.pk:
                    raise errors.superior_cycle(position.name)
                step = superiors.get(step)
    if position.is_head and position.is_active:
        other = (
            Position.objects.filter(unit=position.unit, is_head=True, is_active=True)
            .exclude(pk=position.pk)
            .first()
        )
        if other is not None:
            raise errors.head_exists(position.unit.name, other.name)


def _position_values(fields: dict[str, Any]) -> dict[str, Any]:
    cleaners: dict[str, Callable[[Any], Any]] = {
        "name": lambda v: clean.text("name", v, max_len=200, required=True),
        "code": lambda v: clean.code("code", v, max_len=60),
        "category": lambda v: clean.choice("category", v, Position.Category.values),
        "eselon": lambda v: clean.choice(
            "eselon", v, Position.Eselon.values, blank=True
        ),
        "is_head": bool,
        "is_active": bool,
    }
    return {k: cleaners[k](v) if k in cleaners else v for k, v in fields.items()}


def _position_save(position: Position) -> None:
    if (
        Position.objects.filter(tenant_id=position.tenant_id, code=position.code)
        .exclude(pk=position.pk)
        .exists()
    ):
        raise errors.code_duplicate("position", position.code)
    _position_check(position)
    clean.save_unique(
        position, on_conflict=errors.code_duplicate("position", position.code)
    )


@transaction.atomic
def position_create(
    *,
    tenant: Tenant,
    actor: Any | None,
    unit: Unit,
    name: str,
    code: str,
    category: str,
    eselon: str = "",
    superior: Position | None = None,
    is_head: bool = False,
) -> Position:
    """Create a jabatan in ``unit``, reporting to ``superior``."""
    clean.same_tenant(unit, tenant, "unit")
    require_manage_unit(user=actor, unit=unit)
    values = _position_values(
        {
            "name": name, "code": code, "category": category, "eselon": eselon,
            "is_head": is_head,
        }
    )  # fmt: skip
    position = Position(tenant=tenant, unit=unit, superior=superior, **values)
    _position_save(position)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="position.create",
        obj=position,
        data={
            "unit": unit.pk,
            "code": position.code,
            "superior": superior and superior.pk,
        },
    )
    return position


@transaction.atomic
def position_update(
    *, position: Position, actor: Any | None, **fields: Any
) -> Position:
    """Change a position; ``unit=`` moves it, ``superior=`` changes its reporting line."""
    clean.check_fields(fields, _POSITION_FIELDS)
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("unit", "superior")
        .get(pk=position.pk, tenant_id=position.tenant_id)
    )
    require_manage_unit(user=actor, unit=position.unit)
    if "unit" in fields:
        unit = fields["unit"]
        if unit is None:
            raise errors.required("unit")
        clean.same_tenant(unit, position.tenant, "unit")
        require_manage_unit(user=actor, unit=unit)
    if fields.get("superior") is not None:
        clean.same_tenant(fields["superior"], position.tenant, "superior")
    changed = clean.changes(position, _position_values(fields))
    if not changed:
        return position
    _position_save(position)
    audit_record(
        tenant=position.tenant,
        actor=actor,
        action="position.update",
        obj=position,
        data=clean.audit_changes(changed),
    )
    return position


# --- people -----------------------------------------------------------------------

_PERSON_FIELDS = frozenset(
    {
        "full_name", "employee_type", "nip", "front_title", "back_title", "rank",
        "email", "phone", "sex", "birth_date", "is_active",
    }
)  # fmt: skip
_HAS_NIP = frozenset({Person.EmployeeType.PNS, Person.EmployeeType.PPPK})


def _person_values(fields: dict[str, Any]) -> dict[str, Any]:
    cleaners: dict[str, Callable[[Any], Any]] = {
        "full_name": lambda v: clean.text("full_name", v, max_len=200, required=True),
        "employee_type": lambda v: clean.choice(
            "employee_type", v, Person.EmployeeType.values
        ),
        "nip": lambda v: "".join(str(v or "").split()) or None,
        "front_title": lambda v: clean.text("front_title", v, max_len=60),
        "back_title": lambda v: clean.text("back_title", v, max_len=60),
        "rank": lambda v: clean.text("rank", v, max_len=8),
        "email": clean.email,
        "phone": clean.phone,
        "sex": lambda v: clean.choice("sex", v, Person.Sex.values, blank=True),
        "birth_date": lambda v: clean.date("birth_date", v),
        "is_active": bool,
    }
    return {k: cleaners[k](v) for k, v in fields.items()}


def _person_check(person: Person) -> None:
    """NIP matches the employee type (and gives birth date and sex); rank fits;
    NIP unique in the tenant."""
    kind = person.employee_type
    if kind in _HAS_NIP:
        if not person.nip:
            raise errors.nip_required(str(Person.EmployeeType(kind).label))
        info = nip_parse(person.nip, employee_type=kind)
        person.nip = info.nip
        person.birth_date = info.birth_date
        person.sex = info.sex
        allowed = (
            list(PNS_RANKS) if kind == Person.EmployeeType.PNS else list(PPPK_RANKS)
        )
        if person.rank and person.rank not in allowed:
            raise errors.rank_invalid(person.rank, kind.upper(), allowed)
    else:
        if person.nip:
            raise errors.nip_not_allowed(str(Person.EmployeeType(kind).label))
        if person.rank:
            raise errors.rank_invalid(
                person.rank, str(Person.EmployeeType(kind).label), []
            )
    if person.nip:
        other = (
            Person.objects.filter(tenant_id=person.tenant_id, nip=person.nip)
            .exclude(pk=person.pk)
            .first()
        )
        if other is not None:
            raise errors.nip_duplicate(person.nip, other.display_name)


def _person_save(person: Person) -> None:
    _person_check(person)
    clean.save_unique(
        person, on_conflict=errors.nip_duplicate(person.nip or "", person.full_name)
    )


@transaction.atomic
def person_create(
    *,
    tenant: Tenant,
    actor: Any | None,
    full_name: str,
    employee_type: str,
    nip: str | None = None,
    front_title: str = "",
    back_title: str = "",
    rank: str = "",
    email: str = "",
    phone: str = "",
    sex: str = "",
    birth_date: dt.date | None = None,
) -> Person:
    """Register a pegawai. For PNS/PPPK the NIP is validated and gives birth date
    and sex; others (non-ASN, political officials) have no NIP."""
    require_org_admin(user=actor, tenant=tenant)
    values = _person_values(
        {
            "full_name": full_name, "employee_type": employee_type, "nip": nip,
            "front_title": front_title, "back_title": back_title, "rank": rank,
            "email": email, "phone": phone, "sex": sex, "birth_date": birth_date,
        }
    )  # fmt: skip
    person = Person(tenant=tenant, **values)
    _person_save(person)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="person.create",
        obj=person,
        data={"nip": person.nip, "employee_type": person.employee_type},
    )
    return person


def _require_manage_person(actor: Any | None, person: Person) -> None:
    """A unit admin may edit only people who hold, or held, a position in their
    subtree, or who hold none yet (just registered)."""
    if actor is None:
        return
    require_org_admin(user=actor, tenant=person.tenant)
    from warkat.org.permissions import EVERYWHERE, admin_paths

    paths = admin_paths(user=actor)
    if paths == EVERYWHERE:
        return
    units = list(
        Assignment.objects.filter(person=person).values_list(
            "position__unit__path", flat=True
        )
    )
    if units and not any(u.startswith(p) for u in units for p in paths):
        raise errors.forbidden_unit(person.display_name)


@transaction.atomic
def person_update(*, person: Person, actor: Any | None, **fields: Any) -> Person:
    """Change a person's data; a new NIP or employee type is validated again."""
    clean.check_fields(fields, _PERSON_FIELDS)
    person = Person.objects.select_for_update().get(
        pk=person.pk, tenant_id=person.tenant_id
    )
    _require_manage_person(actor, person)
    changed = clean.changes(person, _person_values(fields))
    if not changed:
        return person
    _person_save(person)
    audit_record(
        tenant=person.tenant,
        actor=actor,
        action="person.update",
        obj=person,
        data=clean.audit_changes(changed),
    )
    return person


# --- assignments ------------------------------------------------------------------


def _overlapping(qs: Any, start: dt.date, end: dt.date | None) -> Any:
    """Assignments of ``qs`` whose period meets ``start``-``end`` (None = open)."""
    qs = qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    return qs.filter(start_date__lte=end) if end is not None else qs


@transaction.atomic
def assignment_create(
    *,
    tenant: Tenant,
    actor: Any | None,
    person: Person,
    position: Position,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    decree_number: str = "",
    decree_date: dt.date | None = None,
) -> Assignment:
    """Appoint ``person`` to ``position`` (definitif, Plt or Plh) for a period.

    At most one definitif holder per position at any time; the database enforces
    the same (partial unique index, and an exclusion constraint on PostgreSQL).
    """
    clean.same_tenant(person, tenant, "person")
    clean.same_tenant(position, tenant, "position")
    # Lock the position so two appointments to it are decided one after the other.
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=position.pk, tenant=tenant)
    )
    require_manage_unit(user=actor, unit=position.unit)
    kind = clean.choice("kind", kind, Assignment.Kind.values)
    start = clean.date("start_date", start_date, required=True)
    assert start is not None
    end = clean.date("end_date", end_date)
    if end is not None and end < start:
        raise errors.dates_order()
    if not position.is_active:
        raise errors.inactive("position", position.name, "position")
    if not person.is_active:
        raise errors.inactive("person", person.display_name, "person")
    same = _overlapping(
        Assignment.objects.filter(position=position, person=person), start, end
    )
    if same.exists():
        raise errors.assignment_overlap(person.display_name, position.name)
    if kind == Assignment.Kind.DEFINITIF:
        holder = (
            _overlapping(
                Assignment.objects.filter(position=position, kind=kind), start, end
            )
            .select_related("person")
            .order_by("start_date")
            .first()
        )
        if holder is not None:
            raise errors.definitif_taken(
                position.name,
                holder.person.display_name,
                holder.start_date,
                holder.end_date or "—",
            )
    assignment = Assignment(
        tenant=tenant,
        person=person,
        position=position,
        kind=kind,
        start_date=start,
        end_date=end,
        decree_number=clean.text("decree_number", decree_number, max_len=120),
        decree_date=clean.date("decree_date", decree_date),
    )
    clean.save_unique(assignment, on_conflict=errors.definitif_overlap(position.name))
    audit_record(
        tenant=tenant,
        actor=actor,
        action="assignment.create",
        obj=assignment,
        capacity=assignment.capacity_prefix,
        data={
            "person": person.pk,
            "position": position.pk,
            "kind": kind,
            "start_date": start,
            "end_date": end,
            "decree_number": assignment.decree_number,
        },
    )
    return assignment


@transaction.atomic
def assignment_end(
    *, assignment: Assignment, actor: Any | None, end_date: dt.date
) -> Assignment:
    """Close an open assignment on ``end_date`` (its last day); history is kept."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("position__unit")
        .get(pk=assignment.pk, tenant_id=assignment.tenant_id)
    )
    require_manage_unit(user=actor, unit=assignment.position.unit)
    end = clean.date("end_date", end_date, required=True)
    assert end is not None
    if assignment.end_date is not None:
        raise errors.assignment_ended(assignment.end_date)
    if end < assignment.start_date:
        raise errors.dates_order()
    assignment.end_date = end
    assignment.save(update_fields=["end_date"])
    audit_record(
        tenant=assignment.tenant,
        actor=actor,
        action="assignment.end",
        obj=assignment,
        data={"end_date": end},
    )
    return assignment
