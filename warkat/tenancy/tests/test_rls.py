"""PostgreSQL row-level security: the database itself keeps tenants apart."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from warkat.tenancy.models import Tenant
from warkat.tenancy.rls import tenant_owned_tables, unforced_tables

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.IS_POSTGRES, reason="row-level security is PostgreSQL's"
    ),
]

PROBE_ROLE = "warkat_rls_probe"


def _as_app_role(cursor, tenant_setting: str) -> None:
    """Act as a non-superuser, non-owner role, as the app does in production."""
    cursor.execute(
        f"DO $$ BEGIN CREATE ROLE {PROBE_ROLE} NOLOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    cursor.execute(f"GRANT SELECT, INSERT ON org_unit TO {PROBE_ROLE}")
    cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {PROBE_ROLE}")
    cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")
    cursor.execute("SELECT set_config('warkat.tenant_id', %s, true)", [tenant_setting])


def test_every_tenant_owned_table_has_a_forced_policy() -> None:
    tables = tenant_owned_tables()
    assert "org_unit" in tables and "audit_auditevent" in tables

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(%s) AND relrowsecurity",
            [tables],
        )
        rows = dict(cursor.fetchall())

    assert set(rows) == set(tables)
    # Only the search index is unforced (its owner's search function reads it).
    assert set(unforced_tables()) == {"search_searchdoc"}
    assert {t for t, forced in rows.items() if not forced} == {"search_searchdoc"}


def test_app_role_sees_only_its_tenants_rows(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        _as_app_role(cursor, str(tenant.pk))
        cursor.execute("SELECT DISTINCT tenant_id FROM org_unit")
        seen = {row[0] for row in cursor.fetchall()}
        cursor.execute("RESET ROLE")

    assert seen == {tenant.pk}


def test_app_role_without_a_tenant_sees_nothing(tenant: Tenant) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        _as_app_role(cursor, "")
        cursor.execute("SELECT count(*) FROM org_unit")
        count = cursor.fetchone()[0]
        cursor.execute("RESET ROLE")

    assert count == 0


def test_app_role_cannot_write_into_another_tenant(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        _as_app_role(cursor, str(tenant.pk))
        cursor.execute(
            "INSERT INTO org_unit (tenant_id, kind, name, code, path, depth, address, "
            "phone, email, website, is_active, created_at, updated_at) VALUES "
            "(%s, 'dinas', 'Injected', 'INJ', '', 0, '', '', '', '', true, now(), now())",
            [other_tenant.pk],
        )


def test_a_nested_scope_of_the_same_tenant_sets_nothing_and_restores_nothing(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    """An API route's own scope inside the request's: the connection already
    names the tenant. A scope of another tenant inside it still switches and
    switches back."""
    from django.test.utils import CaptureQueriesContext

    from warkat.tenancy.scope import tenant_scope

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('warkat.tenant_id', true)")
            return str(cursor.fetchone()[0])

    with tenant_scope(tenant):
        with CaptureQueriesContext(connection) as captured, tenant_scope(tenant):
            pass
        assert captured.captured_queries == []
        assert setting() == str(tenant.pk)
        with tenant_scope(other_tenant):
            assert setting() == str(other_tenant.pk)
        assert setting() == str(tenant.pk)
    assert setting() == ""
