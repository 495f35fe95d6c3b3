from __future__ import annotations

import pytest
from django_scopes.exceptions import ScopeError

from warkat.audit.models import AuditEvent
from warkat.core.errors import DomainError
from warkat.org.models import Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope
from warkat.tenancy.services import tenant_create

pytestmark = pytest.mark.django_db


def test_kabupaten_gets_its_distrik_and_kampung_from_region_data() -> None:
    keerom = tenant_create(region_code="91.11", actor=None)

    assert keerom.name == "Kabupaten Keerom"
    assert keerom.time_zone == "Asia/Jayapura"
    assert keerom.district_word == "Distrik"
    with tenant_scope(keerom):
        assert Unit.objects.filter(kind=Unit.Kind.KECAMATAN).count() == 11
        assert Unit.objects.filter(kind__in=["desa", "kelurahan"]).count() == 91
        assert Unit.objects.filter(name__startswith="Distrik ").count() == 11
        assert AuditEvent.objects.filter(action="tenant.create").count() == 1


def test_time_zones_follow_the_province() -> None:
    assert (
        tenant_create(region_code="75.01", actor=None, build_regions=False).time_zone
        == "Asia/Makassar"
    )
    assert tenant_create(region_code="32", actor=None).time_zone == "Asia/Jakarta"


def test_province_hosts_its_kabupaten_only() -> None:
    papua = tenant_create(region_code="91", actor=None)
    keerom = tenant_create(region_code="91.11", actor=None, host=papua)
    assert keerom.host == papua

    with pytest.raises(DomainError) as exc:
        tenant_create(region_code="75.01", actor=None, host=papua)
    assert exc.value.code == "tenant.bad_host"


@pytest.mark.parametrize("code", ["99.99", "", "abc", "91.11.01"])
def test_unknown_or_wrong_level_region_is_refused_and_nothing_written(
    code: str,
) -> None:
    with pytest.raises(DomainError) as exc:
        tenant_create(region_code=code, actor=None)

    assert exc.value.status_code == 422
    assert exc.value.text("id") != exc.value.text("en") or exc.value.code
    assert not Tenant.objects.exists()


def test_duplicate_tenant_is_refused() -> None:
    tenant_create(region_code="91.11", actor=None)
    with pytest.raises(DomainError) as exc:
        tenant_create(region_code="91.11", actor=None)
    assert exc.value.status_code == 409


def test_tenant_owned_queries_fail_closed_outside_a_scope(tenant: Tenant) -> None:
    with pytest.raises(ScopeError):
        list(Unit.objects.all())
