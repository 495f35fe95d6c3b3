"""HTTP API of tenants: the caller's own tenant and, for a province, its hosted ones."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema

from warkat.api.base import ERROR_RESPONSES, Id, scope
from warkat.tenancy import errors
from warkat.tenancy.models import Tenant

router = Router(tags=["tenants"])


class TenantOut(Schema):
    """Public fields, all another tenant may learn about a hosted tenant."""

    id: int
    region_code: str
    name: str
    level: str
    is_own: bool


class TenantDetailOut(TenantOut):
    slug: str | None = None
    time_zone: str | None = None
    host_id: int | None = None
    district_word: str | None = None
    village_word: str | None = None


def _visible(user: Any) -> Any:
    """The caller's tenant and the tenants it hosts (a province's kabupaten)."""
    return Tenant.objects.filter(
        Q(pk=user.tenant_id) | Q(host_id=user.tenant_id), is_active=True
    )


def _out(tenant: Tenant, user: Any) -> dict[str, Any]:
    own = tenant.pk == user.tenant_id
    data: dict[str, Any] = {
        "id": tenant.pk,
        "region_code": tenant.region_code,
        "name": tenant.name,
        "level": tenant.level,
        "is_own": own,
    }
    if own:
        data.update(
            slug=tenant.slug,
            time_zone=tenant.time_zone,
            host_id=tenant.host_id,
            district_word=tenant.district_word,
            village_word=tenant.village_word,
        )
    return data


@router.get(
    "/tenants",
    response={200: list[TenantOut], **ERROR_RESPONSES},
    auth=scope("org:read"),
)
def tenant_list(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    return [_out(t, user) for t in _visible(user).order_by("region_code")]


@router.get(
    "/tenants/{tenant_id}",
    response={200: TenantDetailOut, **ERROR_RESPONSES},
    auth=scope("org:read"),
)
def tenant_detail(request: HttpRequest, tenant_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    tenant = _visible(user).filter(pk=tenant_id).first()
    if tenant is None:
        raise errors.tenant_not_found()
    return _out(tenant, user)
