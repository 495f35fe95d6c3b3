"""Tenant administration of instructions, holidays and disposition settings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from warkat.dispositions.rules import instruction_labels
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_admin_configures_instructions_holidays_and_settings(
    o: SimpleNamespace,
) -> None:
    admin = client_for(o.users.admin)
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
    kadis = client_for(o.users.kadis)
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


def test_settings_page_edits_rules_instructions_and_holidays(
    o: SimpleNamespace,
) -> None:
    from warkat.audit.models import AuditEvent
    from warkat.dispositions.models import TenantHoliday
    from warkat.dispositions.rules import disposition_settings

    admin = client_for(o.users.admin)
    url = "/disposisi/pengaturan/"
    page = admin.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pengaturan disposisi" in html and "Tindak lanjuti" in html
    assert "Tahun Baru Masehi" in html  # the built-in national days are listed

    r = admin.post(
        url,
        {
            "action": "settings",
            "allow_same_level": "on",
            "remind_days_before": "2",
            "days_amat_segera": "1",
            "days_segera": "3",
            "days_biasa": "7",
        },
    )
    assert r.status_code == 302
    row = disposition_settings()
    assert (row.allow_same_level, row.days_biasa) == (True, 7)

    # Amat Segera > Segera: refused with the reason, nothing saved.
    r = admin.post(
        url,
        {
            "action": "settings",
            "remind_days_before": "2",
            "days_amat_segera": "5",
            "days_segera": "3",
            "days_biasa": "7",
        },
    )
    assert r.status_code == 422
    assert "Amat Segera ≤ Segera ≤ Biasa" in r.content.decode()
    assert disposition_settings().days_amat_segera == 1
    assert admin.post(url, {"action": "settings", "days_biasa": "x"}).status_code == 422

    r = admin.post(
        url, {"action": "instructions", "labels": "Hadiri\r\n\r\nPelajari\r\nHadiri"}
    )
    assert r.status_code == 302
    assert instruction_labels() == ["Hadiri", "Pelajari"]

    r = admin.post(
        url, {"action": "holiday_add", "date": "2026-11-09", "name": "HUT Keerom"}
    )
    assert r.status_code == 302
    holiday = TenantHoliday.objects.get()
    again = admin.post(
        url, {"action": "holiday_add", "date": "2026-11-09", "name": "lagi"}
    )
    assert again.status_code == 409
    assert "Tanggal itu sudah menjadi hari libur." in again.content.decode()
    assert "HUT Keerom" in admin.get(url).content.decode()
    r = admin.post(url, {"action": "holiday_remove", "id": str(holiday.pk)})
    assert r.status_code == 302 and not TenantHoliday.objects.exists()
    assert admin.post(url, {"action": "holiday_remove", "id": "x"}).status_code == 404
    assert AuditEvent.objects.filter(action="holiday.remove").count() == 1


def test_settings_page_is_for_the_tenant_admin_only(o: SimpleNamespace) -> None:
    for key in ("kadis", "tu", "staf_a"):
        client = client_for(getattr(o.users, key))
        assert client.get("/disposisi/pengaturan/").status_code == 403
        r = client.post(
            "/disposisi/pengaturan/", {"action": "instructions", "labels": "X"}
        )
        assert r.status_code == 403
    assert instruction_labels()[0] == "Tindak lanjuti"
