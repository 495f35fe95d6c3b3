"""The organisation services for units: the region tree, creating, moving,
updating and deactivating units."""

from __future__ import annotations

import datetime as dt

import pytest

from warkat.audit.models import AuditEvent
from warkat.core.errors import Conflict, DomainError, ValidationError
from warkat.org.models import Unit
from warkat.org.services.assignments import assignment_end
from warkat.org.services.units import (
    unit_create,
    unit_deactivate,
    unit_root,
    unit_update,
)
from warkat.org.tests import factories as f
from warkat.org.tests.refusals import refused
from warkat.tenancy.scope import tenant_scope

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_tenant")]


# --- units -------------------------------------------------------------------------


def test_the_region_tree_is_stored_with_its_paths_and_depths(in_tenant) -> None:
    """Keerom's distrik and kampung, as the tenant's creation stored them."""
    units = {u.pk: u for u in Unit.objects.all()}
    root = unit_root(tenant=in_tenant)
    assert root.path == f"{root.pk}/" and root.depth == 0
    depths = {0: 0, 1: 0, 2: 0}
    for unit in units.values():
        parent = units.get(unit.parent_id)
        expected = f"{parent.path}{unit.pk}/" if parent else f"{unit.pk}/"
        assert (unit.path, unit.depth) == (
            expected,
            parent.depth + 1 if parent else 0,
        ), unit
        depths[unit.depth] += 1
    assert depths[1] >= 10 and depths[2] >= 50, depths


def test_unit_create_sets_path_depth_and_audits(in_tenant) -> None:
    root = unit_root(tenant=in_tenant)
    dinas = f.unit(in_tenant, code="diskominfo", name="  Dinas  Kominfo ")
    bidang = f.unit(in_tenant, dinas, kind="bidang", code="DISKOMINFO.TIK")

    assert dinas.code == "DISKOMINFO" and dinas.name == "Dinas Kominfo"
    assert dinas.path == f"{root.path}{dinas.pk}/" and dinas.depth == 1
    assert bidang.path == f"{dinas.path}{bidang.pk}/" and bidang.depth == 2
    assert AuditEvent.objects.filter(
        action="unit.create", object_id=str(bidang.pk)
    ).exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "nonsense"}, "org.bad_choice"),
        ({"kind": "pemda"}, "org.bad_choice"),
        ({"name": "   "}, "org.required"),
        ({"code": "a b"}, "org.bad_code"),
        ({"code": ""}, "org.required"),
        ({"email": "not-an-email"}, "org.bad_email"),
        ({"phone": "call me"}, "org.bad_phone"),
        ({"name": "x" * 201}, "org.too_long"),
        ({"code": "PEMDA"}, "org.code_duplicate"),
        ({"region_code": "91.11"}, "org.region_duplicate"),
        ({"parent": None}, "org.parent_required"),
    ],
)
def test_unit_create_bad_input_is_refused_and_writes_nothing(
    in_tenant, kwargs, code
) -> None:
    args = {
        "tenant": in_tenant, "actor": None, "parent": unit_root(tenant=in_tenant),
        "kind": "dinas", "name": "Dinas Baru", "code": "BARU", **kwargs,
    }  # fmt: skip
    assert refused(DomainError, unit_create, **args).code == code


def test_unit_move_rewrites_the_subtree(in_tenant) -> None:
    a = f.unit(in_tenant)
    b = f.unit(in_tenant, a, kind="bidang")
    c = f.unit(in_tenant, b, kind="seksi")
    target = f.unit(in_tenant)
    inner = f.unit(in_tenant, target, kind="bidang")

    unit_update(unit=b, actor=None, parent=inner)

    b.refresh_from_db()
    c.refresh_from_db()
    assert b.parent_id == inner.pk
    assert b.path == f"{inner.path}{b.pk}/" and b.depth == 3
    assert c.path == f"{b.path}{c.pk}/" and c.depth == 4
    assert AuditEvent.objects.filter(action="unit.move").count() == 1


def test_a_unit_cannot_become_its_own_ancestor(in_tenant) -> None:
    a = f.unit(in_tenant)
    b = f.unit(in_tenant, a, kind="bidang")
    c = f.unit(in_tenant, b, kind="seksi")

    for target in (a, b, c):
        err = refused(ValidationError, unit_update, unit=a, actor=None, parent=target)
        assert err.code == "org.unit_cycle"
        assert "ancestor" in err.text("en") and "induknya sendiri" in err.text("id")


def test_root_is_fixed(in_tenant) -> None:
    root = unit_root(tenant=in_tenant)
    a = f.unit(in_tenant)
    refused(ValidationError, unit_update, unit=root, actor=None, parent=a)
    refused(ValidationError, unit_update, unit=root, actor=None, kind="dinas")
    refused(ValidationError, unit_deactivate, unit=root, actor=None)


def test_unit_update_unknown_field_and_duplicate_code(in_tenant) -> None:
    a = f.unit(in_tenant)
    b = f.unit(in_tenant)
    assert (
        refused(ValidationError, unit_update, unit=a, actor=None, tenant=None).code
        == "org.unknown_field"
    )
    assert (
        refused(Conflict, unit_update, unit=a, actor=None, code=b.code).code
        == "org.code_duplicate"
    )


def test_unit_update_without_change_writes_no_event(in_tenant) -> None:
    a = f.unit(in_tenant)
    before = AuditEvent.objects.count()
    unit_update(unit=a, actor=None, name=a.name, parent=a.parent)
    assert AuditEvent.objects.count() == before


def test_unit_deactivate_requires_no_children_and_no_holders(in_tenant) -> None:
    a = f.unit(in_tenant)
    b = f.unit(in_tenant, a, kind="bidang")
    pos = f.position(in_tenant, b)
    asg = f.assignment(in_tenant, f.person(in_tenant), pos)

    assert (
        refused(Conflict, unit_deactivate, unit=a, actor=None).code
        == "org.unit_has_children"
    )
    assert (
        refused(Conflict, unit_deactivate, unit=b, actor=None).code
        == "org.unit_has_holders"
    )

    assignment_end(assignment=asg, actor=None, end_date=dt.date(2024, 6, 30))
    unit_deactivate(unit=b, actor=None)
    pos.refresh_from_db()
    assert not pos.is_active
    unit_deactivate(unit=a, actor=None)


def test_units_of_another_tenant_cannot_be_used(in_tenant, other_tenant) -> None:
    with tenant_scope(other_tenant):
        foreign_root = unit_root(tenant=other_tenant)
    err = refused(
        ValidationError, unit_create, tenant=in_tenant, actor=None,
        parent=foreign_root, kind="dinas", name="X", code="X",
    )  # fmt: skip
    assert err.code == "org.not_found"
