"""Audit pages and API: tenant admins only, filters, keyset pages with a constant
number of queries, event detail, the verify button; tenant isolation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse

from warkat.accounts.tests.conftest import make_user
from warkat.audit.models import AuditEvent
from warkat.audit.services import audit_record
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import tenant_scope


def events(tenant: Tenant, n: int, action: str = "test.step") -> None:
    with tenant_scope(tenant):
        for i in range(n):
            audit_record(tenant=tenant, actor=None, action=action, data={"i": i})


def test_only_tenant_admins(client: Client, tenant: Tenant) -> None:
    staff = make_user(tenant, "staf.keerom", "staf")
    client.force_login(staff)
    assert client.get(reverse("audit:event_list")).status_code == 403
    assert client.get(reverse("audit:event_detail", args=[1])).status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403
    assert client.get("/api/v1/audit/events").status_code == 403


def test_list_filters_and_constant_queries(
    client: Client, tenant: Tenant, django_assert_max_num_queries: Any
) -> None:
    admin = make_user(tenant, "admin.keerom", "tenant_admin")
    client.force_login(admin)
    url = reverse("audit:event_list")
    events(tenant, 3)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    events(tenant, 60)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    page = response.context["events"]
    assert len(page) == 50 and response.context["next_before"] == page[-1].seq
    older = client.get(url, {"before": response.context["next_before"]})
    assert older.context["events"][0].seq == page[-1].seq - 1

    response = client.get(url, {"action": "user.", "actor": ""})
    assert [e.action for e in response.context["events"]] == ["user.create"]
    response = client.get(
        url, {"object_type": "accounts.user", "object_id": str(admin.pk)}
    )
    assert [e.action for e in response.context["events"]] == [
        "auth.login",
        "user.create",
    ]
    response = client.get(url, {"action": "user."}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()


def test_date_filter_uses_the_tenant_zone(client: Client, tenant: Tenant) -> None:
    admin = make_user(tenant, "admin.keerom", "tenant_admin")
    # 16:30 UTC on 1 March is 01:30 on 2 March in Jayapura (WIT, UTC+9).
    with time_machine.travel(
        dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC), tick=False
    ):
        events(tenant, 1, action="late.night")
    client.force_login(admin)
    url = reverse("audit:event_list")
    on_2nd = client.get(url, {"date_from": "2026-03-02", "date_to": "2026-03-02"})
    assert [e.action for e in on_2nd.context["events"]] == ["late.night"]
    on_1st = client.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-01"})
    assert on_1st.context["events"] == []


def test_detail_and_verify(client: Client, tenant: Tenant) -> None:
    admin = make_user(tenant, "admin.keerom", "tenant_admin")
    client.force_login(admin)
    with tenant_scope(tenant):
        event = AuditEvent.objects.get(action="user.create")
    body = client.get(reverse("audit:event_detail", args=[event.seq])).content.decode()
    assert event.hash in body and "admin.keerom" in body
    response = client.post(reverse("audit:verify"))
    assert response.context["report"].ok
    assert "Rantai utuh" in response.content.decode()


def test_tenant_isolation(client: Client, tenant: Tenant, other_tenant: Tenant) -> None:
    admin = make_user(tenant, "admin.keerom", "tenant_admin")
    make_user(other_tenant, "admin.gorontalo", "tenant_admin")
    events(other_tenant, 5, action="gorontalo.secret")
    client.force_login(admin)
    body = client.get(reverse("audit:event_list")).content.decode()
    assert "gorontalo.secret" not in body and "admin.gorontalo" not in body
    # Keerom has 3 events (tenant.create, user.create, auth.login); #7 exists only
    # in Gorontalo's chain.
    assert client.get(reverse("audit:event_detail", args=[7])).status_code == 404
    api = client.get("/api/v1/audit/events").json()
    assert all(e["action"] != "gorontalo.secret" for e in api["items"])


def test_api_pages(client: Client, tenant: Tenant) -> None:
    admin = make_user(tenant, "admin.keerom", "tenant_admin")
    events(tenant, 5)
    client.force_login(admin)
    first = client.get("/api/v1/audit/events", {"limit": 3}).json()
    # tenant.create, user.create, five steps, then auth.login (#8).
    assert [e["seq"] for e in first["items"]] == [8, 7, 6]
    second = client.get(
        "/api/v1/audit/events", {"limit": 3, "before": first["next_before"]}
    ).json()
    assert [e["seq"] for e in second["items"]] == [5, 4, 3]
