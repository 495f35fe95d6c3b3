"""Creating and configuring tenants."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from warkat.audit.services import audit_record
from warkat.tenancy import errors
from warkat.tenancy.models import Tenant
from warkat.tenancy.regions import region_get, region_is_papua, region_time_zone
from warkat.tenancy.scope import tenant_scope

_LEVELS = {
    "provinsi": Tenant.Level.PROVINSI,
    "kabupaten": Tenant.Level.KABUPATEN,
    "kota": Tenant.Level.KOTA,
}


@transaction.atomic
def tenant_create(
    *,
    region_code: str,
    actor: Any | None,
    host: Tenant | None = None,
    slug: str | None = None,
    build_regions: bool = True,
) -> Tenant:
    """Create the tenant of a province or kabupaten/kota from its region code.

    A kabupaten/kota gets its root unit and, from the region data, its
    kecamatan/distrik and desa/kelurahan/kampung units.
    """
    code = (region_code or "").strip()
    region = region_get(code) if code else None
    if region is None:
        raise errors.unknown_region(code)
    if region.kind not in _LEVELS:
        raise errors.not_a_pemda(code)
    if Tenant.objects.filter(region_code=code).exists():
        raise errors.tenant_exists(code)
    if host is not None and (
        host.level != Tenant.Level.PROVINSI
        or not code.startswith(host.region_code + ".")
    ):
        raise errors.bad_host(code)
    papua = region_is_papua(code)
    tenant = Tenant.objects.create(
        region_code=code,
        name=region.name if region.kind != "provinsi" else f"Provinsi {region.name}",
        slug=slug
        or slugify(region.name.replace("Kabupaten ", "").replace("Kota ", "kota ")),
        level=_LEVELS[region.kind],
        time_zone=region_time_zone(code),
        host=host,
        district_word="Distrik" if papua else "Kecamatan",
        village_word="Kampung" if papua else "Desa",
    )
    from warkat.org.services.units import unit_tree_from_regions

    with tenant_scope(tenant):
        units = unit_tree_from_regions(tenant=tenant, include_subregions=build_regions)
        audit_record(
            tenant=tenant,
            actor=actor,
            action="tenant.create",
            obj=tenant,
            data={"region_code": code, "units_created": units},
        )
    return tenant
