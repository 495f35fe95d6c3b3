"""``manage.py demo_load``: the Papua/Keerom demo, loaded once, refused in production."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from warkat.accounts.models import User
from warkat.audit.models import AuditEvent
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants

NAMED = [
    "admin.keerom",
    "bupati.keerom",
    "sekda.keerom",
    "tu.setda.keerom",
    "kadis.kominfo.keerom",
    "staf.kominfo.keerom",
]


def _run() -> str:
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, int, int]:
    with all_tenants():
        return Tenant.objects.count(), User.objects.count(), AuditEvent.objects.count()


def test_loads_papua_hosting_keerom_once(db: Any) -> None:
    first = _run()
    papua = Tenant.objects.get(region_code="91")
    keerom = Tenant.objects.get(region_code="91.11")
    assert keerom.host == papua and keerom.time_zone == "Asia/Jayapura"
    for username in NAMED:
        assert username in first
        user = User.objects.get(username=username)
        assert user.tenant == keerom and user.password_is_demo
        assert user.check_password("Warkat-Demo-2026")
    assert "Warkat-Demo-2026" in first
    before = _counts()
    second = _run()
    assert "already loaded" in second
    assert _counts() == before  # nothing created or audited twice
    assert all(username in second for username in NAMED)


def test_the_demo_ends_with_a_searchable_corpus(demo: Any) -> None:
    from warkat.letters.models import Letter
    from warkat.search.models import SearchDoc
    from warkat.search.selectors import search_letters
    from warkat.tenancy.scope import tenant_scope

    keerom = Tenant.objects.get(region_code="91.11")
    with tenant_scope(keerom):
        assert SearchDoc.objects.count() == Letter.objects.count() > 0
        letter = (
            Letter.objects.exclude(number="")
            .filter(security="biasa", direction="incoming")
            .order_by("pk")
            .first()
        )
        admin = User.objects.get(username="admin.keerom")
        result = search_letters(user=admin, query=letter.number)
        assert letter.pk in {hit.letter.pk for hit in result.hits}


def test_refused_in_production(db: Any) -> None:
    with override_settings(PRODUCTION=True), pytest.raises(CommandError):
        _run()
    assert not Tenant.objects.exists()


def test_production_refuses_the_demo_password(demo: Any) -> None:
    """The demo password cannot be set in production, and a production start-up
    check names every account still using it."""
    from warkat.accounts.checks import production_safety
    from warkat.accounts.services import password_check
    from warkat.core.errors import ValidationError

    with override_settings(PRODUCTION=True):
        with pytest.raises(ValidationError):
            password_check(password="Warkat-Demo-2026")
        problems = [p for p in production_safety() if p.id == "warkat.E003"]
    assert problems and "admin.keerom" in problems[0].msg
