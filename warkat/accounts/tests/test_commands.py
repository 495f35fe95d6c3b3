"""``manage.py tenant_admin_create``: the first administrator of a tenant."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from warkat.accounts.models import User
from warkat.audit.models import AuditEvent
from warkat.org.tests import factories as f
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def _run(*args: str | None) -> str:
    out = StringIO()
    call_command("tenant_admin_create", *args, stdout=out)
    return out.getvalue()


def test_creates_admin_with_printed_password(tenant: Any) -> None:
    out = _run("91.11", "admin.keerom")
    password = out.split("Temporary password: ", 1)[1].strip()
    user = User.objects.get(username="admin.keerom")
    assert user.tenant_id == tenant.pk and user.role_set() == {"tenant_admin"}
    assert user.must_change_password and user.check_password(password)
    with tenant_scope(tenant):
        assert AuditEvent.objects.filter(action="user.create").exists()


def test_given_password_and_person(tenant: Any) -> None:
    with tenant_scope(tenant):
        person = f.person(tenant, full_name="Admin Keerom")
    out = _run(
        "91.11",
        "admin.kedua",
        "--person-nip",
        person.nip,
        "--password",
        "Sandi-Awal-Kuat-2026",
    )
    assert "Temporary password" not in out and "Sandi-Awal" not in out
    user = User.objects.get(username="admin.kedua")
    assert user.person_id == person.pk and not user.must_change_password
    assert authenticate(username="admin.kedua", password="Sandi-Awal-Kuat-2026")


def test_errors_in_both_languages(tenant: Any, other_tenant: Any) -> None:
    with pytest.raises(
        CommandError, match=r"No tenant with region code 99\.99.* / Tidak"
    ):
        _run("99.99", "admin.x")
    with tenant_scope(other_tenant):
        stranger = f.person(other_tenant)
    # A person of another tenant is not found by NIP.
    with pytest.raises(
        CommandError, match=r"No person with NIP .* / Tidak ada pegawai"
    ):
        _run("91.11", "admin.x", "--person-nip", stranger.nip)
    _run("91.11", "admin.keerom")
    with pytest.raises(CommandError) as exc:
        _run("91.11", "ADMIN.keerom")
    assert " / " in str(exc.value) and "admin.keerom" in str(exc.value).lower()
    with pytest.raises(CommandError):
        _run("91.11", "admin.lemah", "--password", "123")
    assert not User.objects.filter(username__in=["admin.x", "admin.lemah"]).exists()
