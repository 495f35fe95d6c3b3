from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from warkat.audit.models import AuditEvent
from warkat.core.errors import Conflict, DomainError, PermissionDenied, ValidationError
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.services.assignments import assignment_create, assignment_end
from warkat.org.services.people import person_create, person_update
from warkat.org.services.positions import position_create, position_update
from warkat.org.services.units import (
    unit_create,
    unit_deactivate,
    unit_root,
    unit_update,
)
from warkat.org.tests import factories as f
from warkat.tenancy.scope import tenant_scope

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_tenant")]


def _snapshot() -> tuple:
    """Everything the organisation services write, to prove a refusal wrote nothing."""
    return (
        sorted(Unit.objects.values_list("pk", "parent_id", "path", "depth", "code", "name", "is_active")),
        sorted(Position.objects.values_list("pk", "unit_id", "code", "superior_id", "is_head", "is_active")),
        sorted(Person.objects.values_list("pk", "nip", "full_name", "employee_type", "rank")),
        sorted(Assignment.objects.values_list("pk", "position_id", "person_id", "kind", "start_date", "end_date")),
        AuditEvent.objects.count(),
    )  # fmt: skip


def _refused(exc_type: type[DomainError], call, *args, **kwargs) -> DomainError:
    before = _snapshot()
    with pytest.raises(exc_type) as exc:
        call(*args, **kwargs)
    assert _snapshot() == before
    assert exc.value.text("id") and exc.value.text("en")
    return exc.value


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
    assert _refused(DomainError, unit_create, **args).code == code


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
        err = _refused(ValidationError, unit_update, unit=a, actor=None, parent=target)
        assert err.code == "org.unit_cycle"
        assert "ancestor" in err.text("en") and "induknya sendiri" in err.text("id")


def test_root_is_fixed(in_tenant) -> None:
    root = unit_root(tenant=in_tenant)
    a = f.unit(in_tenant)
    _refused(ValidationError, unit_update, unit=root, actor=None, parent=a)
    _refused(ValidationError, unit_update, unit=root, actor=None, kind="dinas")
    _refused(ValidationError, unit_deactivate, unit=root, actor=None)


def test_unit_update_unknown_field_and_duplicate_code(in_tenant) -> None:
    a = f.unit(in_tenant)
    b = f.unit(in_tenant)
    assert (
        _refused(ValidationError, unit_update, unit=a, actor=None, tenant=None).code
        == "org.unknown_field"
    )
    assert (
        _refused(Conflict, unit_update, unit=a, actor=None, code=b.code).code
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
        _refused(Conflict, unit_deactivate, unit=a, actor=None).code
        == "org.unit_has_children"
    )
    assert (
        _refused(Conflict, unit_deactivate, unit=b, actor=None).code
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
    err = _refused(
        ValidationError, unit_create, tenant=in_tenant, actor=None,
        parent=foreign_root, kind="dinas", name="X", code="X",
    )  # fmt: skip
    assert err.code == "org.not_found"


# --- positions ---------------------------------------------------------------------


def test_position_create_and_superior_cycle(in_tenant) -> None:
    unit = f.unit(in_tenant)
    head = f.position(in_tenant, unit, category="jpt", eselon="II.b", is_head=True)
    sub = f.position(
        in_tenant, unit, category="administrator", eselon="III.a", superior=head
    )
    leaf = f.position(in_tenant, unit, superior=sub)

    err = _refused(
        ValidationError,
        position_update,
        position=head,
        actor=None,
        superior=leaf,
    )
    assert err.code == "org.superior_cycle"
    assert (
        _refused(
            ValidationError,
            position_update,
            position=head,
            actor=None,
            superior=head,
        ).code
        == "org.superior_cycle"
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"category": "boss"}, "org.bad_choice"),
        ({"category": "pelaksana", "eselon": "II.a"}, "org.eselon_mismatch"),
        ({"category": "jpt", "eselon": "IV.a"}, "org.eselon_mismatch"),
        ({"eselon": "VI"}, "org.bad_choice"),
        ({"code": "HEAD"}, "org.code_duplicate"),
        ({"is_head": True}, "org.head_exists"),
    ],
)
def test_position_bad_input(in_tenant, kwargs, code) -> None:
    unit = f.unit(in_tenant)
    f.position(in_tenant, unit, code="HEAD", is_head=True)
    args = {
        "tenant": in_tenant,
        "actor": None,
        "unit": unit,
        "name": "Staf",
        "code": "STAF",
        "category": "pelaksana",
        **kwargs,
    }
    assert _refused(DomainError, position_create, **args).code == code


def test_position_cannot_be_created_in_an_inactive_unit(in_tenant) -> None:
    unit = f.unit(in_tenant)
    unit_deactivate(unit=unit, actor=None)
    unit.refresh_from_db()
    _refused(
        ValidationError,
        position_create,
        tenant=in_tenant,
        actor=None,
        unit=unit,
        name="A",
        code="A1",
        category="pelaksana",
    )


# --- people ------------------------------------------------------------------------


def test_person_create_derives_birth_date_and_sex_from_nip(in_tenant) -> None:
    p = person_create(
        tenant=in_tenant, actor=None, full_name="Maria Yikwa", employee_type="pns",
        nip="19800517 200503 2 001", rank="III/c", front_title="dr.", back_title="M.Kes",
    )  # fmt: skip
    assert p.nip == "198005172005032001"
    assert p.birth_date == dt.date(1980, 5, 17) and p.sex == "P"
    assert p.display_name == "dr. Maria Yikwa, M.Kes"


def test_duplicate_nip_is_a_conflict_naming_the_holder(in_tenant) -> None:
    first = f.person(in_tenant, full_name="Yohanes Wonda", nip=f.nip_pns(serial=5))
    err = _refused(
        Conflict, person_create, tenant=in_tenant, actor=None,
        full_name="Lain", employee_type="pns", nip=first.nip,
    )  # fmt: skip
    assert err.code == "org.nip_duplicate" and "Yohanes Wonda" in err.text("en")
    other = f.person(in_tenant)
    assert (
        _refused(Conflict, person_update, person=other, actor=None, nip=first.nip).code
        == "org.nip_duplicate"
    )


def test_same_nip_may_exist_in_another_tenant(in_tenant, other_tenant) -> None:
    nip = f.nip_pns(serial=9)
    f.person(in_tenant, nip=nip)
    with tenant_scope(other_tenant):
        assert f.person(other_tenant, nip=nip).nip == nip


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"nip": "123"}, "org.nip_format"),
        ({"nip": ""}, "org.nip_required"),
        ({"rank": "V/a"}, "org.rank_invalid"),
        (
            {"employee_type": "pppk", "nip": "199001022021212007", "rank": "III/a"},
            "org.rank_invalid",
        ),
        (
            {"employee_type": "pejabat_politik", "nip": "196711101992031001"},
            "org.nip_not_allowed",
        ),
        (
            {"employee_type": "non_asn", "nip": None, "rank": "III/a"},
            "org.rank_invalid",
        ),
        ({"employee_type": "honorer"}, "org.bad_choice"),
        ({"full_name": ""}, "org.required"),
    ],
)
def test_person_bad_input(in_tenant, kwargs, code) -> None:
    args = {
        "tenant": in_tenant,
        "actor": None,
        "full_name": "Nama",
        "employee_type": "pns",
        "nip": "196711101992031001",
        **kwargs,
    }
    assert _refused(DomainError, person_create, **args).code == code


def test_pppk_and_political_official(in_tenant) -> None:
    pppk = person_create(
        tenant=in_tenant,
        actor=None,
        full_name="Ana",
        employee_type="pppk",
        nip="199001022021212007",
        rank="IX",
    )
    bupati = person_create(
        tenant=in_tenant,
        actor=None,
        full_name="Piter Gusbager",
        employee_type="pejabat_politik",
        sex="L",
    )
    assert pppk.sex == "P" and bupati.nip is None and bupati.sex == "L"


def test_person_update_revalidates_nip_on_type_change(in_tenant) -> None:
    p = f.person(in_tenant)
    err = _refused(
        ValidationError,
        person_update,
        person=p,
        actor=None,
        employee_type="pppk",
    )
    assert err.code == "org.nip_pppk_marker"
    person_update(person=p, actor=None, employee_type="non_asn", nip=None)
    p.refresh_from_db()
    assert p.nip is None and p.employee_type == "non_asn"


# --- assignments -------------------------------------------------------------------


def test_two_definitif_holders_are_refused(in_tenant) -> None:
    pos = f.position(in_tenant)
    holder = f.person(in_tenant, full_name="Definitif Satu")
    f.assignment(in_tenant, holder, pos, start_date=dt.date(2024, 1, 1))

    err = _refused(
        Conflict, assignment_create, tenant=in_tenant, actor=None,
        person=f.person(in_tenant), position=pos, kind="definitif", start_date=dt.date(2025, 1, 1),
    )  # fmt: skip
    assert err.code == "org.definitif_taken" and "Definitif Satu" in err.text("en")


def test_closed_periods_may_not_overlap_either(in_tenant) -> None:
    pos = f.position(in_tenant)
    f.assignment(
        in_tenant,
        f.person(in_tenant),
        pos,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 12, 31),
    )
    _refused(
        Conflict, assignment_create, tenant=in_tenant, actor=None, person=f.person(in_tenant),
        position=pos, kind="definitif", start_date=dt.date(2019, 6, 1), end_date=dt.date(2020, 1, 1),
    )  # fmt: skip
    # Adjacent periods are fine.
    f.assignment(in_tenant, f.person(in_tenant), pos, start_date=dt.date(2021, 1, 1))


def test_plh_alongside_definitif_and_history(in_tenant) -> None:
    pos = f.position(in_tenant)
    kadis = f.person(in_tenant)
    a = f.assignment(in_tenant, kadis, pos)
    plh = f.assignment(
        in_tenant,
        f.person(in_tenant),
        pos,
        kind="plh",
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 3, 10),
    )
    assert plh.capacity_prefix == "Plh."
    assert AuditEvent.objects.filter(
        action="assignment.create", capacity="Plh."
    ).exists()

    assignment_end(assignment=a, actor=None, end_date=dt.date(2024, 12, 31))
    err = _refused(
        Conflict,
        assignment_end,
        assignment=a,
        actor=None,
        end_date=dt.date(2025, 1, 1),
    )
    assert err.code == "org.assignment_ended"
    successor = f.assignment(
        in_tenant, f.person(in_tenant), pos, start_date=dt.date(2025, 1, 1)
    )
    assert Assignment.objects.filter(position=pos).count() == 3 and successor.pk


def test_assignment_bad_dates_and_same_person_overlap(in_tenant) -> None:
    pos = f.position(in_tenant)
    p = f.person(in_tenant)
    base = {
        "tenant": in_tenant,
        "actor": None,
        "person": p,
        "position": pos,
        "kind": "plt",
    }
    assert (
        _refused(
            ValidationError,
            assignment_create,
            **base,
            start_date=dt.date(2024, 2, 1),
            end_date=dt.date(2024, 1, 1),
        ).code
        == "org.dates_order"
    )
    assert (
        _refused(
            ValidationError, assignment_create, **base, start_date="2024-13-01"
        ).code
        == "org.bad_date"
    )
    assert (
        _refused(
            ValidationError,
            assignment_create,
            **{**base, "kind": "acting"},
            start_date=dt.date(2024, 1, 1),
        ).code
        == "org.bad_choice"
    )
    assignment_create(**base, start_date=dt.date(2024, 1, 1))
    assert (
        _refused(
            Conflict,
            assignment_create,
            **{**base, "kind": "plh"},
            start_date=dt.date(2024, 5, 1),
        ).code
        == "org.assignment_overlap"
    )


def test_database_refuses_a_second_open_definitif_even_past_the_service(
    in_tenant,
) -> None:
    pos = f.position(in_tenant)
    f.assignment(in_tenant, f.person(in_tenant), pos)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            tenant=in_tenant, person=f.person(in_tenant), position=pos,
            kind="definitif", start_date=dt.date(2030, 1, 1),
        )  # fmt: skip


def test_postgres_exclusion_refuses_overlapping_closed_definitif(
    in_tenant, settings
) -> None:
    if not settings.IS_POSTGRES:
        pytest.skip("exclusion constraints are PostgreSQL's")
    pos = f.position(in_tenant)
    f.assignment(
        in_tenant,
        f.person(in_tenant),
        pos,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 12, 31),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            tenant=in_tenant, person=f.person(in_tenant), position=pos, kind="definitif",
            start_date=dt.date(2020, 6, 1), end_date=dt.date(2020, 7, 1),
        )  # fmt: skip


# --- permissions -------------------------------------------------------------------


def test_unit_admin_is_limited_to_their_subtree(in_tenant) -> None:
    mine = f.unit(in_tenant)
    other = f.unit(in_tenant)
    admin = f.user(in_tenant, "unit_admin", unit_=mine)

    child = unit_create(
        tenant=in_tenant,
        actor=admin,
        parent=mine,
        kind="bidang",
        name="Bidang A",
        code="MINE.A",
    )
    position_create(
        tenant=in_tenant,
        actor=admin,
        unit=child,
        name="Staf",
        code="MINE.A.STAF",
        category="pelaksana",
    )
    err = _refused(
        PermissionDenied,
        unit_create,
        tenant=in_tenant,
        actor=admin,
        parent=other,
        kind="bidang",
        name="B",
        code="OTHER.B",
    )
    assert err.code == "org.forbidden_unit"
    _refused(PermissionDenied, unit_update, unit=child, actor=admin, parent=other)
    _refused(PermissionDenied, unit_update, unit=mine, actor=admin, parent=other)
    _refused(
        PermissionDenied,
        position_create,
        tenant=in_tenant,
        actor=admin,
        unit=other,
        name="S",
        code="S9",
        category="pelaksana",
    )


def test_staff_cannot_write(in_tenant) -> None:
    staff = f.user(in_tenant, "staf")
    root = unit_root(tenant=in_tenant)
    assert (
        _refused(
            PermissionDenied,
            unit_create,
            tenant=in_tenant,
            actor=staff,
            parent=root,
            kind="dinas",
            name="X",
            code="X",
        ).code
        == "org.forbidden"
    )
    _refused(
        PermissionDenied,
        person_create,
        tenant=in_tenant,
        actor=staff,
        full_name="X",
        employee_type="non_asn",
    )


def test_tenant_admin_may_do_everything_and_is_recorded(in_tenant) -> None:
    admin = f.user(in_tenant, "tenant_admin", username="admin.x")
    root = unit_root(tenant=in_tenant)
    with time_machine.travel(dt.datetime(2026, 1, 5, 1, tzinfo=dt.UTC)):
        u = unit_create(
            tenant=in_tenant,
            actor=admin,
            parent=root,
            kind="dinas",
            name="Dinas X",
            code="DX",
        )
    assert (
        AuditEvent.objects.get(action="unit.create", object_id=str(u.pk)).actor_name
        == "admin.x"
    )
