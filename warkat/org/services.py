"""Every write to the organisation: units, positions, people, assignments."""

from __future__ import annotations

from django.db import transaction

from warkat.org.models import Unit
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
