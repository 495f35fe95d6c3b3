"""The national classification list is loaded and searchable; tenants can hide codes."""

from __future__ import annotations

import pytest

from warkat.archive.models import ClassificationCode, TenantClassificationCode
from warkat.archive.selectors import classification_search

pytestmark = pytest.mark.django_db


def test_all_codes_loaded_with_tree_and_retention() -> None:
    assert ClassificationCode.objects.count() == 2985
    code = ClassificationCode.objects.get(code="000.1.1")
    assert code.parent is not None and code.parent.code == "000.1"
    assert (code.retention_active_years, code.final_disposition) == (1, "musnah")
    assert not ClassificationCode.objects.get(code="000").has_retention


def test_search_offers_leaves_only_and_respects_tenant_hiding(in_tenant) -> None:
    found = list(classification_search(query="000.1"))
    assert found and all(c.has_retention for c in found)
    assert all(c.code.startswith("000.1") for c in found)
    by_name = list(classification_search(query="telekomunikasi"))
    assert any(c.code == "000.1.1" for c in by_name)
    TenantClassificationCode.objects.create(
        tenant=in_tenant,
        code=ClassificationCode.objects.get(code="000.1.1"),
        is_hidden=True,
    )
    assert all(c.code != "000.1.1" for c in classification_search(query="000.1"))
