from __future__ import annotations

import pytest
from django.utils import timezone

from warkat.demo.organisation import demo_org_load, demo_province_load
from warkat.org.models import Assignment, Person, Position, Unit
from warkat.org.selectors import position_holders
from warkat.tenancy.scope import tenant_scope
from warkat.tenancy.services import tenant_create

pytestmark = pytest.mark.django_db


def test_keerom_demo_is_complete_and_idempotent(in_tenant) -> None:
    first = demo_org_load(tenant=in_tenant)
    counts = (
        Unit.objects.count(),
        Position.objects.count(),
        Person.objects.count(),
        Assignment.objects.count(),
    )

    again = demo_org_load(tenant=in_tenant)

    assert counts == (
        Unit.objects.count(),
        Position.objects.count(),
        Person.objects.count(),
        Assignment.objects.count(),
    )
    assert 55 <= counts[2] <= 70
    for key in (
        "bupati",
        "wabup",
        "sekda",
        "tu_setda",
        "kabag_umum",
        "kadis_kominfo",
        "staf_kominfo",
        "admin",
    ):
        assert first["people"][key] == again["people"][key]
    assert first["people"]["bupati"].nip is None
    assert first["people"]["bupati"].employee_type == "pejabat_politik"
    assert Person.objects.filter(employee_type="pns", nip__isnull=True).count() == 0
    assert first["positions"]["sekda"].superior == first["positions"]["bupati"]
    assert first["positions"]["bupati"].unit.parent_id is None
    assert {"setda", "setda.umum", "diskominfo", "dinkes", "bkpsdm"} <= set(
        first["units"]
    )

    holders = list(
        position_holders(
            position=first["positions"]["kadis_kominfo"], on=timezone.localdate()
        )
    )
    assert [a.kind for a in holders] == ["definitif", "plh"]
    assert holders[1].person == first["people"]["sekretaris_kominfo"]


def test_province_demo() -> None:
    papua = tenant_create(region_code="91", actor=None)
    with tenant_scope(papua):
        result = demo_province_load(tenant=papua)
        demo_province_load(tenant=papua)
        assert result["people"]["gubernur"].nip is None
        assert Person.objects.count() == 6
