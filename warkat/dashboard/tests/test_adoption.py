"""Monev of adoption: a province sees its hosted kabupaten's aggregates (and nothing
else of them), a hosted tenant sees the same page for itself, other tenants nothing;
the cross-tenant read opens the aggregate table only and is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from warkat.audit.models import AuditEvent
from warkat.dashboard.jobs import refresh_all
from warkat.dashboard.models import AdoptionSnapshot
from warkat.letters.tests.factories import client_for, register
from warkat.org.tests import factories as org
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import _db_value, tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def papua(o: SimpleNamespace, frozen: Any) -> SimpleNamespace:
    """Provinsi Papua hosting Keerom (the test organisation, with letters and a
    sign-in) and Kabupaten Jayapura; Gorontalo unrelated. Figures refreshed."""
    from warkat.tenancy.services import tenant_create

    province = tenant_create(region_code="91", actor=None, build_regions=False)
    Tenant.objects.filter(pk=o.tenant.pk).update(host=province)
    jayapura = tenant_create(
        region_code="91.03", actor=None, host=province, build_regions=False
    )
    gorontalo = tenant_create(region_code="75.01", actor=None, build_regions=False)
    with timezone.override("Asia/Jayapura"):
        register(o, subject="Nota rahasia Keerom SubjekTersembunyi", security="rahasia")
        register(o, subject="Undangan biasa Keerom SubjekTersembunyi")
    o.users.kadis.last_login = timezone.now() - dt.timedelta(days=2)
    o.users.kadis.save(update_fields=["last_login"])
    with tenant_scope(province):
        admin = org.user(province, "tenant_admin", username="admin.papua")
    with tenant_scope(jayapura):
        jayapura_admin = org.user(jayapura, "tenant_admin", username="admin.jayapura")
    with tenant_scope(gorontalo):
        gorontalo_admin = org.user(gorontalo, "tenant_admin", username="admin.gtlo")
    refresh_all()
    return SimpleNamespace(
        province=province, jayapura=jayapura, gorontalo=gorontalo, admin=admin,
        jayapura_admin=jayapura_admin, gorontalo_admin=gorontalo_admin,
    )  # fmt: skip


def test_refresh_writes_each_tenants_own_snapshot(
    o: SimpleNamespace, papua: SimpleNamespace
) -> None:
    total = AdoptionSnapshot.objects.get(unit__isnull=True)
    assert total.letters_in_paper == 2
    assert (total.accounts_active_30d, total.never_logged_in) == (1, False)
    dinas = AdoptionSnapshot.objects.get(unit=o.dinas)
    assert dinas.accounts_active_30d == 1
    assert dinas.letters_in_paper == 2
    # The bidang count for their dinas; the Dinas Kesehatan never signed in.
    assert not AdoptionSnapshot.objects.filter(unit=o.bid_a).exists()
    assert AdoptionSnapshot.objects.get(unit=o.other).never_logged_in
    # Signers: the heads (Kadis and both Kabid count for the dinas), none certified.
    assert (dinas.signers, dinas.signers_certified) == (3, 0)


def test_province_sees_hosted_aggregates_only(
    o: SimpleNamespace, papua: SimpleNamespace
) -> None:
    response = client_for(papua.admin).get("/api/v1/dashboard/adoption")
    assert response.status_code == 200, response.content
    data = response.json()
    hosted = {t["tenant_name"]: t for t in data["hosted"]}
    assert set(hosted) == {o.tenant.name, papua.jayapura.name}
    keerom = hosted[o.tenant.name]
    assert keerom["total"]["letters_in_paper"] == 2
    assert "Dinas Komunikasi dan Informatika" in {
        u["unit_name"] for u in keerom["units"]
    }
    text = response.content.decode()
    assert "SubjekTersembunyi" not in text  # no subject, secret or not
    assert "Orang" not in text  # no person's name
    page = client_for(papua.admin).get("/dasbor/adopsi/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        o.tenant.name in html
        and "SubjekTersembunyi" not in html
        and "Orang" not in html
    )
    with tenant_scope(papua.province):
        events = AuditEvent.objects.filter(action="dashboard.adoption_read")
        assert events.count() == 2
        assert events.first().data["hosted_tenants"] == sorted(
            [o.tenant.pk, papua.jayapura.pk]
        )


def test_hosted_tenants_see_themselves_only(
    o: SimpleNamespace, papua: SimpleNamespace
) -> None:
    own = client_for(o.users.admin).get("/api/v1/dashboard/adoption").json()
    assert own["own"]["tenant_name"] == o.tenant.name
    assert own["own"]["total"]["letters_in_paper"] == 2
    assert own["hosted"] == []
    other = client_for(papua.jayapura_admin).get("/api/v1/dashboard/adoption").json()
    assert other["own"]["tenant_name"] == papua.jayapura.name
    assert other["hosted"] == []
    assert o.tenant.name not in str(other)
    far = client_for(papua.gorontalo_admin).get("/dasbor/adopsi/").content.decode()
    assert o.tenant.name not in far


def test_only_admins_and_whole_tenant_leaders_see_adoption(
    o: SimpleNamespace, papua: SimpleNamespace
) -> None:
    assert client_for(o.users.bupati).get("/dasbor/adopsi/").status_code == 200
    for user in (o.users.kadis, o.users.staf_a):
        assert client_for(user).get("/dasbor/adopsi/").status_code == 403
        response = client_for(user).get("/api/v1/dashboard/adoption")
        assert response.status_code == 403
        assert response.json()["code"] == "dashboard.adoption_denied"


@pytest.fixture
def opened() -> Iterator[list[str]]:
    """SQL run while every tenant was open (``all_tenants``)."""
    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if _db_value() == "all" and "set_config" not in sql:
            seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def test_the_cross_tenant_read_opens_the_aggregate_table_only(
    o: SimpleNamespace, papua: SimpleNamespace, opened: list[str]
) -> None:
    response = client_for(papua.admin).get("/api/v1/dashboard/adoption")
    assert response.status_code == 200
    assert len(opened) == 1
    assert '"dashboard_adoptionsnapshot"' in opened[0]
    for table in ("letters_letter", "org_person", "org_unit", "accounts_user"):
        assert table not in opened[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
)
def test_under_row_level_security_the_province_reads_hosted_aggregates(
    o: SimpleNamespace, papua: SimpleNamespace
) -> None:
    """As a non-superuser role (the app's in production): the province's own scope
    shows none of Keerom's rows, the audited read shows Keerom's aggregates."""
    from django.db import transaction

    from warkat.dashboard.monev import adoption_for_host

    role = "warkat_dashboard_probe"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        with tenant_scope(papua.province):
            cursor.execute("SELECT count(*) FROM dashboard_adoptionsnapshot")
            own_rows = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM letters_letter")
            letters = cursor.fetchone()[0]
            hosted = adoption_for_host(host=papua.province, actor=papua.admin)
            cursor.execute("SELECT count(*) FROM letters_letter")
            letters_after = cursor.fetchone()[0]
        cursor.execute("RESET ROLE")
    with tenant_scope(papua.province):
        province_rows = AdoptionSnapshot.objects.count()
    assert own_rows == province_rows  # only the province's own snapshot
    assert (letters, letters_after) == (0, 0)  # no letter of Keerom, before or after
    keerom = next(h for h in hosted if h.tenant_id == o.tenant.pk)
    assert keerom.total is not None and keerom.total.letters_in_paper == 2
