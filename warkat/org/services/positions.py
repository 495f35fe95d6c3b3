"""Writes to positions (jabatan): created and updated under their unit and superior."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from warkat.audit.services import audit_record
from warkat.org import cleaning as clean
from warkat.org import errors
from warkat.org.models import Position, Unit
from warkat.org.permissions import (
    require_manage_unit,
)
from warkat.tenancy.models import Tenant

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
