from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from warkat.org.tests.conftest import _client
from warkat.tenancy.models import Tenant
from warkat.tenancy.services import tenant_create

pytestmark = pytest.mark.django_db


def test_kabupaten_sees_only_itself(tenant, other_tenant) -> None:
    client = _client(tenant, "staf")

    body = client.get("/api/v1/tenants").json()
    assert [t["region_code"] for t in body] == ["91.11"]
    assert (
        client.get(f"/api/v1/tenants/{tenant.pk}").json()["time_zone"]
        == "Asia/Jayapura"
    )
    r = client.get(f"/api/v1/tenants/{other_tenant.pk}")
    assert r.status_code == 404 and r.json()["code"] == "tenant.not_found"


def test_province_sees_hosted_tenants_public_fields_only() -> None:
    papua = tenant_create(region_code="91", actor=None)
    keerom = tenant_create(
        region_code="91.11", actor=None, host=papua, build_regions=False
    )
    tenant_create(region_code="75.01", actor=None, build_regions=False)
    client = _client(papua, "staf")

    body = client.get("/api/v1/tenants").json()
    assert [t["region_code"] for t in body] == ["91", "91.11"]
    detail = client.get(f"/api/v1/tenants/{keerom.pk}").json()
    assert detail["name"] == "Kabupaten Keerom" and detail["is_own"] is False
    assert detail["slug"] is None and detail["time_zone"] is None

    # The hosted kabupaten does not see its host.
    keerom_client = _client(keerom, "tenant_admin")
    assert keerom_client.get(f"/api/v1/tenants/{papua.pk}").status_code == 404


def test_anonymous_gets_401(client: Client) -> None:
    assert client.get("/api/v1/tenants").status_code == 401


def test_command_creates_hosted_tenant(capsys) -> None:
    call_command("tenant_create", "91", "--no-regions")
    call_command("tenant_create", "91.11", "--host", "91")

    keerom = Tenant.objects.get(region_code="91.11")
    assert keerom.host is not None and keerom.host.region_code == "91"
    assert "Kabupaten Keerom" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["99.99"], "Unknown region code"),
        (["91.11", "--host", "91"], "No tenant for host"),
        (["75.01", "--host", "91"], "province"),
    ],
)
def test_command_errors_are_clear_and_write_nothing(args, fragment) -> None:
    if args[-1] == "91" and args[0] == "75.01":
        tenant_create(region_code="91", actor=None, build_regions=False)
    before = Tenant.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command("tenant_create", *args)
    assert fragment in str(exc.value)
    assert Tenant.objects.count() == before
