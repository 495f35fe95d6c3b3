"""Writes to the unit tree: units built from the region codes, created, updated, moved and deactivated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, Substr
from django.utils import timezone

from warkat.audit.services import audit_record
from warkat.org import cleaning as clean
from warkat.org import errors
from warkat.org.models import Assignment, Position, Unit
from warkat.org.permissions import (
    require_manage_unit,
)
from warkat.org.services.changes import org_changes_record
from warkat.tenancy.models import Tenant
from warkat.tenancy.regions import region_subtree

_REGION_UNIT_KIND = {
    "kecamatan": Unit.Kind.KECAMATAN,
    "desa": Unit.Kind.DESA,
    "kelurahan": Unit.Kind.KELURAHAN,
}


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
    # The tree's paths, in the database only (the units made here are not handed
    # back): a statement per level, where a ``bulk_update`` of a hundred units
    # built a CASE of a hundred branches per field. Depths were set above.
    root.path = f"{root.pk}/"
    Unit.objects.filter(pk=root.pk).update(path=root.path)
    if len(created) > 1:
        Unit.objects.filter(parent=root).update(
            path=Concat(Value(root.path), Cast("pk", CharField()), Value("/"))
        )
        Unit.objects.filter(parent__parent=root).update(
            path=Concat(
                Value(root.path),
                Cast("parent_id", CharField()),
                Value("/"),
                Cast("pk", CharField()),
                Value("/"),
            )
        )
    # bulk_create sends no signals: the new units go into the feed here.
    org_changes_record(tenant_id=tenant.pk, objs=created[1:])
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
    retiring = list(Position.objects.filter(unit=unit, is_active=True))
    retired = Position.objects.filter(pk__in=[p.pk for p in retiring]).update(
        is_active=False
    )
    for position in retiring:
        position.is_active = False
    org_changes_record(tenant_id=unit.tenant_id, objs=retiring)
    audit_record(
        tenant=unit.tenant,
        actor=actor,
        action="unit.deactivate",
        obj=unit,
        data={"positions_retired": retired},
    )
    return unit
