from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from warkat.org.models import Assignment, Unit
from warkat.org.tests import factories as f
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant):
    with tenant_scope(tenant):
        dinas = f.unit(
            tenant, code="DISKOMINFO", name="Dinas Komunikasi dan Informatika"
        )
        bidang = f.unit(
            tenant, dinas, kind="bidang", code="DISKOMINFO.TIK", name="Bidang TIK"
        )
        head = f.position(
            tenant,
            dinas,
            code="KADIS",
            name="Kepala Dinas Kominfo",
            category="jpt",
            eselon="II.b",
            is_head=True,
        )
        kadis = f.person(tenant, full_name="Yakobus Kimber")
        f.assignment(tenant, kadis, head)
        return {"dinas": dinas, "bidang": bidang, "head": head, "kadis": kadis}


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    r = client.get("/organisasi/")
    assert r.status_code == 302 and "login" in r["Location"]


def test_everyone_reads_tree_people_and_details(staff_client: Client, org) -> None:
    r = staff_client.get("/organisasi/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Dinas Komunikasi dan Informatika" in body and "Distrik" in body
    assert "/organisasi/unit/baru/" not in body  # no admin actions for staff

    r = staff_client.get("/organisasi/", {"q": "TIK"}, HTTP_HX_REQUEST="true")
    assert "Bidang TIK" in r.content.decode() and "<html" not in r.content.decode()
    # The search box swaps the whole #tree element for the partial's own.
    assert r.content.decode().count('id="tree"') == 1
    page = staff_client.get("/organisasi/").content.decode()
    assert 'hx-target="#tree" hx-swap="outerHTML"' in page

    body = staff_client.get(f"/organisasi/unit/{org['dinas'].pk}/").content.decode()
    assert "Kepala Dinas Kominfo" in body and "Yakobus Kimber" in body
    assert staff_client.get(f"/organisasi/jabatan/{org['head'].pk}/").status_code == 200
    body = staff_client.get(f"/organisasi/pegawai/{org['kadis'].pk}/").content.decode()
    assert "Kepala Dinas Kominfo" in body and org["kadis"].nip in body
    body = staff_client.get("/organisasi/pegawai/", {"q": "yakobus"}).content.decode()
    assert "Yakobus Kimber" in body


def test_tree_loads_deeper_levels_on_expand(staff_client: Client, org) -> None:
    body = staff_client.get("/organisasi/").content.decode()
    children_url = reverse("org:unit_children", args=[org["dinas"].pk])
    # The OPD is shown closed with its count; its bidang waits for the expand.
    assert "Dinas Komunikasi dan Informatika" in body and "Bidang TIK" not in body
    assert f'hx-get="{children_url}"' in body and 'hx-trigger="toggle once"' in body
    r = staff_client.get(children_url, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    part = r.content.decode()
    assert "Bidang TIK" in part and "<html" not in part and "<li" in part
    # Without htmx the unit page lists the children.
    r = staff_client.get(children_url)
    assert (
        r.status_code == 302 and r["Location"] == f"/organisasi/unit/{org['dinas'].pk}/"
    )


def _app_queries(client: Client, url: str, **headers: str) -> tuple[int, str]:
    """Queries a request makes, less PostgreSQL's per-request RLS tenant settings."""
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, **headers)  # type: ignore[arg-type]
    assert r.status_code == 200
    n = sum("set_config" not in q["sql"] for q in ctx.captured_queries)
    return n, r.content.decode()


def test_tree_and_children_have_constant_queries(staff_client: Client, tenant) -> None:
    with tenant_scope(tenant):
        dinas = f.unit(tenant)
    children = f"/organisasi/unit/{dinas.pk}/anak/"
    staff_client.get("/organisasi/")  # session and user as on any later request
    counts = []
    for size in (2, 20):
        with tenant_scope(tenant):
            while Unit.objects.filter(parent=dinas).count() < size:
                bidang = f.unit(tenant, dinas, kind="bidang")
                f.unit(tenant, bidang, kind="seksi")
        tree, _ = _app_queries(staff_client, "/organisasi/")
        kids, body = _app_queries(staff_client, children, HTTP_HX_REQUEST="true")
        assert body.count('class="tree-node"') == size
        counts.append((tree, kids))
    # tree: session, the user with its tenant, the tree, the user's roles (admin
    # actions, nav); children: session, the user with its tenant, the unit, its
    # children.
    assert counts == [(4, 4), (4, 4)]


def test_children_of_another_tenants_unit_are_not_found(
    staff_client: Client, other_tenant
) -> None:
    with tenant_scope(other_tenant):
        unit = f.unit(other_tenant, name="Dinas Rahasia Gorontalo")
        f.unit(other_tenant, unit, kind="bidang", name="Bidang Rahasia")
    r = staff_client.get(f"/organisasi/unit/{unit.pk}/anak/", HTTP_HX_REQUEST="true")
    assert r.status_code == 404 and "Bidang Rahasia" not in r.content.decode()


def test_staff_cannot_open_or_post_forms(staff_client: Client, org) -> None:
    for url in (
        "/organisasi/unit/baru/",
        f"/organisasi/unit/{org['dinas'].pk}/ubah/",
        "/organisasi/pegawai/baru/",
        "/organisasi/penugasan/baru/",
        "/organisasi/impor/",
    ):
        assert staff_client.get(url).status_code == 403, url
    r = staff_client.post(
        f"/organisasi/unit/{org['dinas'].pk}/ubah/",
        {"name": "X", "code": "X", "kind": "dinas", "parent": org["dinas"].parent_id},
    )
    assert r.status_code == 403
    assert (
        staff_client.post(
            f"/organisasi/unit/{org['bidang'].pk}/nonaktifkan/"
        ).status_code
        == 403
    )


def test_admin_creates_and_moves_units_with_errors_shown(
    admin_client: Client, org, tenant
) -> None:
    r = admin_client.post(
        "/organisasi/unit/baru/",
        {
            "parent": org["dinas"].pk,
            "kind": "bidang",
            "name": "Bidang IKP",
            "code": "diskominfo.ikp",
        },
    )
    assert r.status_code == 302
    with tenant_scope(tenant):
        ikp = Unit.objects.get(code="DISKOMINFO.IKP")
    r = admin_client.post(
        "/organisasi/unit/baru/",
        {
            "parent": org["dinas"].pk,
            "kind": "bidang",
            "name": "Lagi",
            "code": "DISKOMINFO.IKP",
        },
    )
    assert r.status_code == 422 and "DISKOMINFO.IKP" in r.content.decode()
    # The form does not even offer the unit's own subtree as a parent.
    r = admin_client.post(
        f"/organisasi/unit/{org['dinas'].pk}/ubah/",
        {"parent": ikp.pk, "kind": "dinas", "name": "D", "code": "DISKOMINFO"},
    )
    assert r.status_code == 422
    with tenant_scope(tenant):
        assert Unit.objects.get(pk=org["dinas"].pk).parent_id != ikp.pk


def test_admin_person_and_assignment_forms(admin_client: Client, org, tenant) -> None:
    r = admin_client.post(
        "/organisasi/pegawai/baru/",
        {
            "full_name": "Sarah Tabuni",
            "employee_type": "pns",
            "nip": "199213142015032001",
        },
    )
    assert r.status_code == 422 and "199213142015032001" in r.content.decode()
    r = admin_client.post(
        "/organisasi/pegawai/baru/",
        {
            "full_name": "Sarah Tabuni",
            "employee_type": "pns",
            "nip": "199203142015032001",
            "rank": "III/b",
        },
    )
    assert r.status_code == 302
    r = admin_client.post(
        "/organisasi/penugasan/baru/",
        {
            "person": "199203142015032001",
            "position": org["head"].pk,
            "kind": "definitif",
            "start_date": "2025-01-01",
        },
    )
    assert r.status_code == 422 and "Yakobus Kimber" in r.content.decode()
    r = admin_client.post(
        "/organisasi/penugasan/baru/",
        {
            "person": "Sarah Tabuni",
            "position": org["head"].pk,
            "kind": "plh",
            "start_date": "2025-01-01",
            "end_date": "2025-01-05",
        },
    )
    assert r.status_code == 302
    with tenant_scope(tenant):
        a = Assignment.objects.get(kind="definitif")
    assert (
        admin_client.post(
            f"/organisasi/penugasan/{a.pk}/akhiri/", {"end_date": "2025-12-31"}
        ).status_code
        == 302
    )
    with tenant_scope(tenant):
        a.refresh_from_db()
        assert str(a.end_date) == "2025-12-31"


def test_unit_admin_only_in_their_subtree(make_client, tenant, org) -> None:
    client = make_client(tenant, "unit_admin", unit_=org["dinas"])
    assert client.get(f"/organisasi/unit/{org['bidang'].pk}/ubah/").status_code == 200
    with tenant_scope(tenant):
        other = f.unit(tenant, code="DINKES")
    assert client.get(f"/organisasi/unit/{other.pk}/ubah/").status_code == 403
    r = client.post(
        "/organisasi/unit/baru/",
        {"parent": other.pk, "kind": "bidang", "name": "X", "code": "DINKES.X"},
    )
    assert r.status_code == 422  # not among the offered parents
    with tenant_scope(tenant):
        assert not Unit.objects.filter(code="DINKES.X").exists()


def test_other_tenants_objects_are_not_found(
    admin_client: Client, other_tenant
) -> None:
    with tenant_scope(other_tenant):
        unit = f.unit(other_tenant, name="Dinas Rahasia Gorontalo")
        person = f.person(other_tenant)
    assert admin_client.get(f"/organisasi/unit/{unit.pk}/").status_code == 404
    assert admin_client.get(f"/organisasi/pegawai/{person.pk}/").status_code == 404
    assert (
        admin_client.post(
            f"/organisasi/unit/{unit.pk}/ubah/", {"name": "X"}
        ).status_code
        == 404
    )
    assert (
        "Dinas Rahasia Gorontalo"
        not in admin_client.get("/organisasi/", {"q": "Rahasia"}).content.decode()
    )


def test_import_flow_upload_check_confirm(admin_client: Client, tenant) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"code,name,kind,parent_code\nBAPPEDA,Badan Perencanaan,badan,PEMDA\nBAPPEDA.EKO,Bidang Ekonomi,bidang,BAPPEDA\n"
    r = admin_client.post(
        "/organisasi/impor/units/", {"file": SimpleUploadedFile("u.csv", csv)}
    )
    assert r.status_code == 200
    token = r.context["token"]
    with tenant_scope(tenant):
        assert not Unit.objects.filter(code="BAPPEDA").exists()
    r = admin_client.post("/organisasi/impor/units/konfirmasi/", {"token": token})
    assert r.status_code == 302
    with tenant_scope(tenant):
        assert Unit.objects.get(code="BAPPEDA.EKO").parent.code == "BAPPEDA"
    # The staged file is gone: a replay is refused.
    assert (
        admin_client.post(
            "/organisasi/impor/units/konfirmasi/", {"token": token}
        ).status_code
        == 302
    )

    bad = b"code,name,kind,parent_code\nX,Y,dinas,NOPE\n"
    r = admin_client.post(
        "/organisasi/impor/units/", {"file": SimpleUploadedFile("u.csv", bad)}
    )
    assert (
        r.status_code == 200
        and "token" not in r.context
        and "NOPE" in r.content.decode()
    )
    r = admin_client.post(
        "/organisasi/impor/units/", {"file": SimpleUploadedFile("u.csv", b"kode\n1\n")}
    )
    assert r.status_code == 422
    r = admin_client.get("/organisasi/impor/people/templat.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_list_pages_query_counts_do_not_grow(
    admin_client: Client, tenant, django_assert_max_num_queries
) -> None:
    with tenant_scope(tenant):
        unit = f.unit(tenant)
        for _ in range(5):
            f.assignment(tenant, f.person(tenant), f.position(tenant, unit))
    pages = ["/organisasi/pegawai/", f"/organisasi/unit/{unit.pk}/", "/organisasi/"]
    counts = {}
    for url in pages:
        with django_assert_max_num_queries(30) as few:
            admin_client.get(url)
        counts[url] = len(few.captured_queries)
    with tenant_scope(tenant):
        for _ in range(25):
            f.assignment(tenant, f.person(tenant), f.position(tenant, unit))
            f.unit(tenant, unit, kind="bidang")
    for url in pages:
        with django_assert_max_num_queries(counts[url]):
            admin_client.get(url)
