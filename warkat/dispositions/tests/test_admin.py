"""Tenant administration of instructions, holidays and disposition settings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from warkat.dispositions.rules import instruction_labels

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_admin_configures_instructions_holidays_and_settings(
    o: SimpleNamespace,
) -> None:
    admin = _client(o.users.admin)
    assert "Tindak lanjuti" in admin.get("/api/v1/instructions").json()
    put = admin.put(
        "/api/v1/instructions",
        {"labels": ["Hadiri", "Pelajari", "Hadiri"]},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json() == ["Hadiri", "Pelajari"]
    assert instruction_labels() == ["Hadiri", "Pelajari"]
    assert (
        admin.put(
            "/api/v1/instructions", {"labels": []}, content_type="application/json"
        ).status_code
        == 422
    )

    added = admin.post(
        "/api/v1/holidays",
        {"date": "2026-11-09", "name": "HUT Keerom"},
        content_type="application/json",
    )
    assert added.status_code == 201
    assert (
        admin.post(
            "/api/v1/holidays",
            {"date": "2026-11-09", "name": "lagi"},
            content_type="application/json",
        ).status_code
        == 409
    )
    assert [h["name"] for h in admin.get("/api/v1/holidays").json()] == ["HUT Keerom"]
    assert admin.delete(f"/api/v1/holidays/{added.json()['id']}").status_code == 204

    settings = admin.get("/api/v1/disposition-settings").json()
    assert settings["allow_same_level"] is False
    changed = admin.put(
        "/api/v1/disposition-settings",
        {**settings, "allow_same_level": True, "days_biasa": 7},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["days_biasa"] == 7
    bad = admin.put(
        "/api/v1/disposition-settings",
        {**settings, "days_segera": 9},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_only_tenant_admin_configures(o: SimpleNamespace) -> None:
    kadis = _client(o.users.kadis)
    assert (
        kadis.put(
            "/api/v1/instructions", {"labels": ["X"]}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        kadis.post(
            "/api/v1/holidays",
            {"date": "2026-11-09", "name": "X"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert instruction_labels()[0] == "Tindak lanjuti"
