"""The organisation as a change feed (GET /api/v1/org/changes): creates, edits,
ends and deletions in order, deletions as tombstones, a stable cursor, pages, the
caller's tenant only, and the org:read scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from warkat.accounts.services import api_token_create
from warkat.accounts.services import service_accounts as sa
from warkat.org.models import OrgChange
from warkat.org.services.assignments import assignment_end
from warkat.org.services.people import person_update
from warkat.org.services.positions import position_update
from warkat.org.services.units import unit_deactivate
from warkat.org.tests import factories as f
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def feed_token(tenant: Tenant, scopes: list[str]) -> str:
    with tenant_scope(tenant):
        admin = f.user(tenant, "tenant_admin")
        account = sa.service_account_create(
            tenant=tenant, actor=admin, name=f"Mirror {scopes}", scopes=scopes
        )
        _token, raw = sa.service_account_token_create(account=account, actor=admin)
    return raw


def read_all(raw: str, since: int = 0, limit: int = 500) -> tuple[list[dict], int]:
    client = Client()
    changes: list[dict[str, Any]] = []
    cursor = since
    while True:
        response = client.get(
            f"/api/v1/org/changes?since={cursor}&limit={limit}",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        changes += body["changes"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return changes, cursor


def mirror(changes: list[dict[str, Any]]) -> dict[tuple[str, int], dict | None]:
    state: dict[tuple[str, int], dict | None] = {}
    for c in changes:
        state[(c["entity"], c["id"])] = c["data"] if c["op"] == "upsert" else None
    return state


def test_creates_edits_ends_and_deletes_reach_the_mirror(tenant: Tenant) -> None:
    raw = feed_token(tenant, ["org:read"])
    changes, cursor = read_all(raw)
    # The tenant's units built from the region data are already in the feed.
    assert any(c["entity"] == "unit" for c in changes)
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)

    with tenant_scope(tenant):
        unit = f.unit(tenant, name="Dinas Kominfo")
        position = f.position(tenant, unit, name="Kepala Dinas", is_head=True)
        person = f.person(tenant, full_name="Yohana Wonda")
        held = f.assignment(tenant, person, position, start_date=dt.date(2025, 1, 1))
    new, cursor2 = read_all(raw, since=cursor)
    seen = changes + new
    state = mirror(new)
    assert state[("unit", unit.pk)]["name"] == "Dinas Kominfo"  # type: ignore[index]
    assert state[("position", position.pk)]["unit_id"] == unit.pk  # type: ignore[index]
    assert state[("person", person.pk)]["full_name"] == "Yohana Wonda"  # type: ignore[index]
    assert state[("assignment", held.pk)] == {
        "person_id": person.pk,
        "position_id": position.pk,
        "kind": "definitif",
        "start_date": "2025-01-01",
        "end_date": None,
    }
    assert "birth_date" not in state[("person", person.pk)]  # type: ignore[operator]

    with tenant_scope(tenant):
        position_update(position=position, actor=None, name="Kepala Dinas Kominfo")
        person_update(person=person, actor=None, full_name="Yohana Wonda, S.Kom")
        assignment_end(assignment=held, actor=None, end_date=dt.date(2026, 6, 30))
    edits, cursor3 = read_all(raw, since=cursor2)
    seen += edits
    state = mirror(edits)
    assert state[("position", position.pk)]["name"] == "Kepala Dinas Kominfo"  # type: ignore[index]
    assert state[("person", person.pk)]["full_name"] == "Yohana Wonda, S.Kom"  # type: ignore[index]
    assert state[("assignment", held.pk)]["end_date"] == "2026-06-30"  # type: ignore[index]

    # A deletion is a tombstone; retiring a unit retires its positions in the feed.
    with tenant_scope(tenant):
        held_id = held.pk
        held.delete()
        other = f.unit(tenant, name="Dinas Lama")
        retiring = f.position(tenant, other)
        unit_deactivate(unit=other, actor=None)
    ends, _ = read_all(raw, since=cursor3)
    seen += ends
    state = mirror(ends)
    assert state[("assignment", held_id)] is None
    assert state[("unit", other.pk)]["is_active"] is False  # type: ignore[index]
    assert state[("position", retiring.pk)]["is_active"] is False  # type: ignore[index]

    # Read again from 0, the history builds the same mirror as reading it in steps.
    assert mirror(read_all(raw)[0]) == mirror(seen)


def test_pages_follow_the_cursor_without_gaps(tenant: Tenant) -> None:
    raw = feed_token(tenant, ["org:read"])
    whole, _ = read_all(raw)
    paged, _ = read_all(raw, limit=7)
    assert [c["seq"] for c in paged] == [c["seq"] for c in whole]
    with tenant_scope(tenant):
        last = OrgChange.objects.order_by("-seq").first()
        assert last is not None
    assert [c["seq"] for c in whole] == list(range(1, last.seq + 1))


def test_only_the_callers_tenant(tenant: Tenant, other_tenant: Tenant) -> None:
    raw = feed_token(tenant, ["org:read"])
    with tenant_scope(other_tenant):
        stranger = f.unit(other_tenant, name="Dinas Gorontalo")
    changes, _ = read_all(raw)
    assert ("unit", stranger.pk) not in mirror(changes)
    assert "Gorontalo" not in str(changes)


def test_the_feed_needs_org_read(tenant: Tenant) -> None:
    raw = feed_token(tenant, ["letters:read"])
    response = Client().get("/api/v1/org/changes", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403
    assert response.json()["code"] == "auth.scope_missing"
    assert Client().get("/api/v1/org/changes").status_code == 401


def test_a_bad_cursor_is_refused(tenant: Tenant) -> None:
    with tenant_scope(tenant):
        admin = f.user(tenant, "tenant_admin")
        _t, raw = api_token_create(user=admin)
    response = Client().get(
        "/api/v1/org/changes?since=-1", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 422
