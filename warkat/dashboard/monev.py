"""Reading the adoption figures: a tenant's own, and a host province's view of the
tenants it hosts.

The province's read is the command centre's one deliberate cross-tenant read: it
opens every tenant (``all_tenants``) for exactly one query on ``AdoptionSnapshot`` —
aggregates only, no letter, name of a person or secret subject exists in that table —
and it is recorded in the province's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from warkat.audit.services import audit_record
from warkat.dashboard import errors
from warkat.dashboard.models import AdoptionSnapshot
from warkat.dashboard.scope import leader_scope
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants


@dataclass
class TenantAdoption:
    tenant_id: int
    tenant_name: str
    total: AdoptionSnapshot | None = None
    units: list[AdoptionSnapshot] = field(default_factory=list)

    @property
    def never_logged_in(self) -> list[AdoptionSnapshot]:
        return [u for u in self.units if u.never_logged_in]


def may_see_adoption(*, user: Any) -> bool:
    """Tenant administrators and leaders whose subtree is the whole tenant."""
    if user.has_role("tenant_admin"):
        return True
    return any(u.parent_id is None for u in leader_scope(user=user).roots)


def _group(rows: list[AdoptionSnapshot], names: dict[int, str]) -> list[TenantAdoption]:
    out: dict[int, TenantAdoption] = {
        pk: TenantAdoption(pk, name) for pk, name in names.items()
    }
    for row in rows:
        entry = out[row.tenant_id]
        if row.unit_id is None:
            entry.total = row
        else:
            entry.units.append(row)
    for entry in out.values():
        entry.units.sort(
            key=lambda r: (r.unit_kind in {"kelurahan", "desa"}, r.unit_name)
        )
    return list(out.values())


def adoption_own(*, tenant: Tenant) -> TenantAdoption:
    """The scoped tenant's own adoption figures."""
    rows = list(AdoptionSnapshot.objects.all())
    return _group(rows, {tenant.pk: tenant.name})[0]


def hosted_tenants(*, host: Tenant) -> dict[int, str]:
    return dict(
        Tenant.objects.filter(host=host, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def adoption_for_host(*, host: Tenant, actor: Any) -> list[TenantAdoption]:
    """The adoption figures of every tenant ``host`` hosts (empty when none).

    Cross-tenant on purpose: a province monitors its kabupaten. Only the aggregate
    table is read while every tenant is open; the read is audited in the host's log.
    """
    if not may_see_adoption(user=actor):
        raise errors.no_adoption_access()
    names = hosted_tenants(host=host)
    if not names:
        return []
    # A province reads its kabupaten's aggregates (never their rows): see module doc.
    with all_tenants():
        rows = list(
            AdoptionSnapshot.objects.filter(tenant_id__in=list(names)).order_by("pk")
        )
    audit_record(
        tenant=host,
        actor=actor,
        action="dashboard.adoption_read",
        data={"hosted_tenants": sorted(names)},
    )
    return _group(rows, names)
