from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from warkat.org.models import Assignment, Person, Unit
from warkat.org.services.units import unit_root
from warkat.org.tests import factories as f
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant):
    with tenant_scope(tenant):
        root = unit_root(tenant=tenant)
        dinas = f.unit(
            tenant, code="DISKOMINFO", name="Dinas Komunikasi dan Informatika"
        )
        head = f.position(
            tenant,
            dinas,
            code="KADIS.KOMINFO",
            category="jpt",
            eselon="II.b",
            is_head=True,
        )
        kadis = f.person(tenant, full_name="Yakobus Kimber")
        f.assignment(tenant, kadis, head)
        return {"root": root, "dinas": dinas, "head": head, "kadis": kadis}


@pytest.fixture
def foreign(other_tenant):
    with tenant_scope(other_tenant):
        unit = f.unit(other_tenant, code="DINAS.GTLO", name="Dinas Gorontalo")
        pos = f.position(other_tenant, unit)
        person = f.person(other_tenant, full_name="Orang Gorontalo")
        asg = f.assignment(other_tenant, person, pos)
        return {"unit": unit, "position": pos, "person": person, "assignment": asg}


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"] and body["message_en"]
    if code:
        assert body["code"] == code, body
    return body


def test_anonymous_is_refused(client: Client) -> None:
    _error(client.get("/api/v1/units"), 401)


def test_unit_list_and_detail(admin_client: Client, org) -> None:
    body = admin_client.get("/api/v1/units", {"q": "kominfo"}).json()
    assert body["count"] == 1 and body["items"][0]["code"] == "DISKOMINFO"

    body = admin_client.get(
        "/api/v1/units", {"parent_id": org["root"].pk, "limit": 5}
    ).json()
    assert body["count"] == 12 and len(body["items"]) == 5  # 11 distrik + Diskominfo

    detail = admin_client.get(f"/api/v1/units/{org['dinas'].pk}").json()
    assert detail["name"] == "Dinas Komunikasi dan Informatika" and detail["depth"] == 1


def test_unit_create_update_and_errors(admin_client: Client, org, tenant) -> None:
    r = admin_client.post(
        "/api/v1/units",
        {
            "parent_id": org["dinas"].pk,
            "kind": "bidang",
            "name": "Bidang TIK",
            "code": "DISKOMINFO.TIK",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    new_id = r.json()["id"]

    body = _error(
        admin_client.post(
            "/api/v1/units",
            {
                "parent_id": org["dinas"].pk,
                "kind": "bidang",
                "name": "X",
                "code": "DISKOMINFO.TIK",
            },
            content_type="application/json",
        ),
        409,
        "org.code_duplicate",
    )
    assert "DISKOMINFO.TIK" in body["message_en"]

    _error(
        admin_client.patch(
            f"/api/v1/units/{org['dinas'].pk}",
            {"parent_id": new_id},
            content_type="application/json",
        ),
        422,
        "org.unit_cycle",
    )
    r = admin_client.patch(
        f"/api/v1/units/{new_id}",
        {"name": "Bidang Aplikasi"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["name"] == "Bidang Aplikasi"
    _error(admin_client.get("/api/v1/units/999999"), 404, "org.not_found")
    _error(
        admin_client.post(
            "/api/v1/units", {"name": "x"}, content_type="application/json"
        ),
        422,
        "request.invalid",
    )


def test_staff_may_read_but_not_write(staff_client: Client, org) -> None:
    assert staff_client.get("/api/v1/units").status_code == 200
    assert staff_client.get("/api/v1/people").status_code == 200
    _error(
        staff_client.post(
            "/api/v1/units",
            {"parent_id": org["root"].pk, "kind": "dinas", "name": "X", "code": "X"},
            content_type="application/json",
        ),
        403,
        "org.forbidden",
    )
    _error(
        staff_client.patch(
            f"/api/v1/people/{org['kadis'].pk}",
            {"full_name": "X"},
            content_type="application/json",
        ),
        403,
    )


def test_positions_and_people(
    admin_client: Client, org, django_assert_max_num_queries
) -> None:
    body = admin_client.get("/api/v1/positions", {"unit_id": org["dinas"].pk}).json()
    assert body["items"][0]["holders"][0]["name"] == "Yakobus Kimber"

    r = admin_client.post(
        "/api/v1/positions",
        {
            "unit_id": org["dinas"].pk,
            "name": "Sekretaris",
            "code": "SEK.KOMINFO",
            "category": "administrator",
            "eselon": "III.a",
            "superior_id": org["head"].pk,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    _error(
        admin_client.patch(
            f"/api/v1/positions/{org['head'].pk}",
            {"superior_id": r.json()["id"]},
            content_type="application/json",
        ),
        422,
        "org.superior_cycle",
    )

    people = admin_client.get("/api/v1/people", {"q": "yakobus"}).json()
    assert (
        people["count"] == 1
        and people["items"][0]["positions"][0]["position"] == org["head"].name
    )

    r = admin_client.post(
        "/api/v1/people",
        {
            "full_name": "Sarah Tabuni",
            "employee_type": "pns",
            "nip": "199203142015032001",
            "rank": "III/b",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["sex"] == "P" and r.json()["birth_date"] == "1992-03-14"
    body = _error(
        admin_client.post(
            "/api/v1/people",
            {"full_name": "Lain", "employee_type": "pns", "nip": "199203142015032001"},
            content_type="application/json",
        ),
        409,
        "org.nip_duplicate",
    )
    assert "Sarah Tabuni" in body["message"]
    _error(
        admin_client.post(
            "/api/v1/people",
            {"full_name": "Lain", "employee_type": "pns", "nip": "199213142015032001"},
            content_type="application/json",
        ),
        422,
        "org.nip_birth_date",
    )


def test_assignments(admin_client: Client, org, tenant) -> None:
    with tenant_scope(tenant):
        other = f.person(tenant)
    body = _error(
        admin_client.post(
            "/api/v1/assignments",
            {
                "person_id": other.pk,
                "position_id": org["head"].pk,
                "kind": "definitif",
                "start_date": "2025-01-01",
            },
            content_type="application/json",
        ),
        409,
        "org.definitif_taken",
    )
    assert "Yakobus Kimber" in body["message_en"]
    r = admin_client.post(
        "/api/v1/assignments",
        {
            "person_id": other.pk,
            "position_id": org["head"].pk,
            "kind": "plh",
            "start_date": "2025-01-01",
            "end_date": "2025-01-10",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    listed = admin_client.get(
        "/api/v1/assignments", {"position_id": org["head"].pk, "on": "2025-01-05"}
    ).json()
    assert listed["count"] == 2
    with tenant_scope(tenant):
        definitif = Assignment.objects.get(position=org["head"], kind="definitif")
    r = admin_client.post(
        f"/api/v1/assignments/{definitif.pk}/end",
        {"end_date": "2025-06-30"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["end_date"] == "2025-06-30"
    _error(
        admin_client.post(
            f"/api/v1/assignments/{definitif.pk}/end",
            {"end_date": "2025-07-30"},
            content_type="application/json",
        ),
        409,
    )


def test_keerom_cannot_see_or_touch_gorontalo(
    admin_client: Client, org, foreign
) -> None:
    for path in (
        f"/api/v1/units/{foreign['unit'].pk}",
        f"/api/v1/positions/{foreign['position'].pk}",
        f"/api/v1/people/{foreign['person'].pk}",
        f"/api/v1/assignments/{foreign['assignment'].pk}",
    ):
        _error(admin_client.get(path), 404)
    for path, name in (
        ("/api/v1/units", "Dinas Gorontalo"),
        ("/api/v1/people", "Orang Gorontalo"),
        ("/api/v1/positions", foreign["position"].name),
    ):
        assert name not in admin_client.get(path, {"limit": 200}).content.decode()
    assert admin_client.get("/api/v1/assignments").json()["count"] == 1

    _error(
        admin_client.patch(
            f"/api/v1/units/{foreign['unit'].pk}",
            {"name": "Hacked"},
            content_type="application/json",
        ),
        404,
    )
    _error(
        admin_client.patch(
            f"/api/v1/people/{foreign['person'].pk}",
            {"full_name": "Hacked"},
            content_type="application/json",
        ),
        404,
    )
    _error(
        admin_client.post(
            "/api/v1/units",
            {
                "parent_id": foreign["unit"].pk,
                "kind": "bidang",
                "name": "X",
                "code": "X",
            },
            content_type="application/json",
        ),
        422,
        "org.not_found",
    )
    _error(
        admin_client.post(
            "/api/v1/assignments",
            {
                "person_id": org["kadis"].pk,
                "position_id": foreign["position"].pk,
                "kind": "plt",
                "start_date": "2025-01-01",
            },
            content_type="application/json",
        ),
        422,
    )
    with tenant_scope(foreign["unit"].tenant):
        assert Unit.objects.get(pk=foreign["unit"].pk).name == "Dinas Gorontalo"
        assert (
            Person.objects.get(pk=foreign["person"].pk).full_name == "Orang Gorontalo"
        )


def test_people_list_query_count_is_constant(
    admin_client: Client, tenant, django_assert_max_num_queries
) -> None:
    with tenant_scope(tenant):
        unit = f.unit(tenant)
        for _ in range(30):
            f.assignment(
                tenant,
                f.person(tenant),
                f.position(tenant, unit),
                start_date=dt.date(2024, 1, 1),
            )
    with django_assert_max_num_queries(12) as small:
        admin_client.get("/api/v1/people", {"limit": 5})
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin_client.get("/api/v1/people", {"limit": 30})
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin_client.get("/api/v1/positions", {"limit": 30})


def test_openapi_declares_error_responses(admin_client: Client) -> None:
    spec = admin_client.get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/units"]["post"]
    assert {"403", "409", "422"} <= set(op["responses"])
