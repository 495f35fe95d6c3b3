"""Reads of the SSO clients: the admin's lists, who may sign in, and the claims."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from warkat.org import selectors as org_selectors
from warkat.sso.errors import client_not_found
from warkat.sso.models import Client, ClientUnit, Consent
from warkat.tenancy.clock import tenant_localdate


def client_list() -> QuerySet[Client]:
    """The tenant's client apps (inside its scope), with their units: two queries."""
    return Client.objects.prefetch_related(
        Prefetch("units", queryset=ClientUnit.objects.select_related("unit"))
    ).order_by("name", "pk")


def client_get(*, client_pk: int) -> Client:
    client = client_list().filter(pk=client_pk).first()
    if client is None:
        raise client_not_found()
    return client


def client_unit_paths(*, client: Client) -> list[str]:
    return [cu.unit.path for cu in client.units.select_related("unit")]


def positions_today(*, user: Any) -> list[Any]:
    """The assignments ``user``'s person holds today on the tenant's calendar,
    definitif first, with position and unit."""
    if user.person_id is None or user.tenant is None:
        return []
    day = tenant_localdate(user.tenant)
    return list(org_selectors.positions_held(person=user.person, on=day))


def user_may_sign_in(*, user: Any, client: Client) -> bool:
    """Same tenant, an active account and — when the client names units — a
    position today in one of those units or below them."""
    if not user.is_active or user.tenant_id != client.tenant_id:
        return False
    paths = client_unit_paths(client=client)
    if not paths:
        return True
    return any(
        a.position.unit.path.startswith(tuple(paths))
        for a in positions_today(user=user)
    )


def consent_covers(*, user: Any, client: Client, scopes: list[str]) -> bool:
    consent = Consent.objects.filter(user=user, client=client).first()
    return consent is not None and set(scopes) <= set(consent.scopes.split())


def user_claims(*, user: Any) -> dict[str, Any]:
    """Every claim Warkat can tell a client; the validator keeps those the token's
    scopes allow (``validator.CLAIM_SCOPE``)."""
    person = user.person
    claims: dict[str, Any] = {
        "name": person.display_name
        if person
        else user.get_full_name() or user.username,
        "preferred_username": user.username,
        "email": (person.email if person and person.email else user.email) or None,
        "tenant": {
            "id": user.tenant.region_code,
            "name": user.tenant.name,
            "slug": user.tenant.slug,
        }
        if user.tenant
        else None,
        "nip": person.nip if person else None,
        "positions": [
            {
                "position": a.position.name,
                "position_code": a.position.code,
                "capacity": a.kind,
                "unit": a.position.unit.name,
                "unit_code": a.position.unit.code,
                "since": a.start_date.isoformat(),
                "until": a.end_date.isoformat() if a.end_date else None,
            }
            for a in positions_today(user=user)
        ],
    }
    return {k: v for k, v in claims.items() if v is not None}
