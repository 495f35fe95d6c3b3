from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from warkat.audit.models import AuditEvent
from warkat.core.errors import Conflict, DomainError, PermissionDenied, ValidationError
from warkat.org.models import Assignment
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
from warkat.org.tests.refusals import refused
from warkat.tenancy.scope import tenant_scope

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_tenant")]


# --- positions ---------------------------------------------------------------------


def test_position_create_and_superior_cycle(in_tenant) -> None:
    unit = f.unit(in_tenant)
    head = f.position(in_tenant, unit, category="jpt", eselon="II.b", is_head=True)
    sub = f.position(
        in_tenant, unit, category="administrator", eselon="III.a", superior=head
    )
    leaf = f.position(in_tenant, unit, superior=sub)

    err = refused(
        ValidationError,
        position_update,
        position=head,
        actor=None,
        superior=leaf,
    )
    assert err.code == "org.superior_cycle"
    assert (
        refused(
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
    assert refused(DomainError, position_create, **args).code == code


def test_position_cannot_be_created_in_an_inactive_unit(in_tenant) -> None:
    unit = f.unit(in_tenant)
    unit_deactivate(unit=unit, actor=None)
    unit.refresh_from_db()
    refused(
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
    err = refused(
        Conflict, person_create, tenant=in_tenant, actor=None,
        full_name="Lain", employee_type="pns", nip=first.nip,
    )  # fmt: skip
    assert err.code == "org.nip_duplicate" and "Yohanes Wonda" in err.text("en")
    other = f.person(in_tenant)
    assert (
        refused(Conflict, person_update, person=other, actor=None, nip=first.nip).code
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
    assert refused(DomainError, person_create, **args).code == code


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
    err = refused(
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


def test_two_definitif_holders_arerefused(in_tenant) -> None:
    pos = f.position(in_tenant)
    holder = f.person(in_tenant, full_name="Definitif Satu")
    f.assignment(in_tenant, holder, pos, start_date=dt.date(2024, 1, 1))

    err = refused(
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
    refused(
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
    err = refused(
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
        refused(
            ValidationError,
            assignment_create,
            **base,
            start_date=dt.date(2024, 2, 1),
            end_date=dt.date(2024, 1, 1),
        ).code
        == "org.dates_order"
    )
    assert (
        refused(
            ValidationError, assignment_create, **base, start_date="2024-13-01"
        ).code
        == "org.bad_date"
    )
    assert (
        refused(
            ValidationError,
            assignment_create,
            **{**base, "kind": "acting"},
            start_date=dt.date(2024, 1, 1),
        ).code
        == "org.bad_choice"
    )
    assignment_create(**base, start_date=dt.date(2024, 1, 1))
    assert (
        refused(
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
    err = refused(
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
    refused(PermissionDenied, unit_update, unit=child, actor=admin, parent=other)
    refused(PermissionDenied, unit_update, unit=mine, actor=admin, parent=other)
    refused(
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
        refused(
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
    refused(
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
