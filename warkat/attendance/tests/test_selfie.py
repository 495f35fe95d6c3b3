"""Selfies at check-in: the tenant setting, re-encoding without metadata, who may
see the picture, the retention purge, and bad pictures."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import AttendanceSettings, CheckIn, CheckInSelfie
from warkat.attendance.tasks import selfies_purge_run
from warkat.attendance.tests.conftest import OFFICE, at
from warkat.letters.tests.factories import client_for
from warkat.org.tests import factories as org
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/check-ins"


def photo(width: int = 1600, height: int = 1200, fmt: str = "JPEG") -> str:
    """A camera-like picture with EXIF (camera make, GPS, orientation)."""
    img = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90° (portrait from the camera)
    exif[0x8825] = {1: "S", 2: (2.0, 56.0, 4.0)}  # GPS
    out = io.BytesIO()
    img.save(out, fmt, exif=exif)
    return base64.b64encode(out.getvalue()).decode()


def selfie_on(o: Any, days: int = 90) -> None:
    AttendanceSettings.objects.create(
        tenant=o.tenant, selfie_required=True, selfie_retention_days=days
    )


def post(user: Any, **body: Any) -> Any:
    body.setdefault("latitude", OFFICE[0])
    body.setdefault("longitude", OFFICE[1])
    body.setdefault("accuracy_m", 10.0)
    return client_for(user).post(
        URL, data=json.dumps(body), content_type="application/json"
    )


def files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_setting_off_asks_nothing_and_stores_nothing(o: Any, media: Path) -> None:
    page = client_for(o.users.staf_a).get("/absen/")
    assert page.status_code == 200
    assert b'capture="user"' not in page.content
    res = post(o.users.staf_a, selfie=photo())
    assert res.status_code == 201, res.content
    assert not CheckInSelfie.objects.exists()
    assert files(media) == []


def test_setting_on_stores_a_small_jpeg_without_exif(o: Any, media: Path) -> None:
    selfie_on(o)
    page = client_for(o.users.staf_a).get("/absen/")
    assert b'accept="image/*" capture="user"' in page.content
    res = post(o.users.staf_a, selfie="data:image/jpeg;base64," + photo())
    assert res.status_code == 201, res.content
    selfie = CheckInSelfie.objects.get(record_id=res.json()["id"])
    # The orientation was applied (portrait), then it was shrunk to 480 px.
    assert (selfie.width, selfie.height) == (360, 480)
    stored = media / selfie.storage_name
    assert selfie.storage_name.startswith(f"{o.tenant.pk}/attendance/selfies/")
    assert stored.stat().st_size == selfie.size
    with Image.open(stored) as img:
        assert img.format == "JPEG" and img.size == (360, 480)
        assert len(img.getexif()) == 0
        assert "exif" not in img.info and "icc_profile" not in img.info
    assert b"PhoneMaker" not in stored.read_bytes()


def test_setting_on_without_selfie_is_refused_and_nothing_recorded(o: Any) -> None:
    selfie_on(o)
    res = post(o.users.staf_a)
    assert res.status_code == 422
    assert res.json()["code"] == "attendance.selfie_missing"
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        "not base64 at all!",
        base64.b64encode(b"GIF89a not really").decode(),
        base64.b64encode(b"%PDF-1.7 a letter").decode(),
        photo(fmt="GIF"),
        photo()[:200],  # truncated
    ],
)
def test_bad_picture_is_a_clear_4xx_and_nothing_recorded(
    o: Any, media: Path, bad: str
) -> None:
    selfie_on(o)
    res = post(o.users.staf_a, selfie=bad)
    assert res.status_code == 422, res.content
    body = res.json()
    assert body["code"] == "attendance.selfie_invalid"
    assert not CheckIn.objects.exists() and not CheckInSelfie.objects.exists()
    assert files(media) == []


def test_offline_queued_check_in_may_come_without_selfie(o: Any) -> None:
    selfie_on(o)
    o.clock.move_to(at(7, 40))
    res = post(
        o.users.staf_a,
        source="offline",
        device_at=at(7, 25).isoformat(),
        client_key="queued-1",
    )
    assert res.status_code == 201, res.content
    assert not CheckInSelfie.objects.exists()


def test_file_is_removed_when_the_record_rolls_back(
    o: Any, media: Path, monkeypatch: Any
) -> None:
    from warkat.attendance import selfie as selfie_module

    selfie_on(o)

    def boom(**kw: Any) -> Any:
        raise RuntimeError("database went away")

    real = selfie_module.CheckInSelfie.objects.create
    monkeypatch.setattr(selfie_module.CheckInSelfie.objects, "create", boom)
    with pytest.raises(RuntimeError):
        checkin_record(
            actor=o.users.staf_a,
            latitude=OFFICE[0],
            longitude=OFFICE[1],
            accuracy_m=10.0,
            selfie=photo(),
        )
    monkeypatch.setattr(selfie_module.CheckInSelfie.objects, "create", real)
    assert not CheckIn.objects.exists()
    assert files(media) == []


def _record_with_selfie(o: Any) -> int:
    selfie_on(o)
    res = post(o.users.staf_a, selfie=photo())
    assert res.status_code == 201
    return int(res.json()["id"])


@pytest.mark.parametrize("who", ["kabid_a", "kadis"])
def test_superiors_see_the_selfie_streamed_privately(o: Any, who: str) -> None:
    record_id = _record_with_selfie(o)
    res = client_for(getattr(o.users, who)).get(f"/absen/swafoto/{record_id}/")
    assert res.status_code == 200
    assert res["Content-Type"] == "image/jpeg"
    assert "no-store" in res["Cache-Control"]
    assert res.content[:2] == b"\xff\xd8"


def test_personnel_office_sees_the_selfie(o: Any) -> None:
    record_id = _record_with_selfie(o)
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    assert client_for(bkpsdm).get(f"/absen/swafoto/{record_id}/").status_code == 200


@pytest.mark.parametrize("who", ["staf_a", "staf_b", "kabid_b", "tu", "outsider"])
def test_self_colleagues_and_other_branches_do_not(o: Any, who: str) -> None:
    record_id = _record_with_selfie(o)
    res = client_for(getattr(o.users, who)).get(f"/absen/swafoto/{record_id}/")
    assert res.status_code == 404


def test_another_tenant_sees_nothing(o: Any, other_tenant: Any) -> None:
    record_id = _record_with_selfie(o)
    with tenant_scope(other_tenant):
        stranger = org.user(other_tenant, "kepegawaian", username="bkpsdm.gtlo")
    res = client_for(stranger).get(f"/absen/swafoto/{record_id}/")
    assert res.status_code == 404


def test_anonymous_is_sent_to_sign_in(o: Any) -> None:
    from django.test import Client

    record_id = _record_with_selfie(o)
    assert Client().get(f"/absen/swafoto/{record_id}/").status_code == 302


def test_review_page_shows_the_selfie_to_the_reviewer(o: Any) -> None:
    selfie_on(o)
    res = post(o.users.staf_a, latitude=-2.5, longitude=140.0, selfie=photo())
    record_id = res.json()["id"]
    assert res.json()["review"] == "pending"
    page = client_for(o.users.kabid_a).get("/absen/tinjau/")
    assert f"/absen/swafoto/{record_id}/".encode() in page.content


def test_purge_after_retention_deletes_file_and_records_it(o: Any, media: Path) -> None:
    record_id = _record_with_selfie(o)
    selfie = CheckInSelfie.objects.get(record_id=record_id)
    stored = media / selfie.storage_name
    assert stored.exists()
    o.clock.move_to(at(8, 0) + dt.timedelta(days=89))
    assert selfies_purge_run.call() == 0
    assert stored.exists()
    o.clock.move_to(at(8, 0) + dt.timedelta(days=90))
    assert selfies_purge_run.call() == 1
    selfie.refresh_from_db()
    assert not stored.exists()
    assert selfie.purged_at is not None and selfie.storage_name == ""
    # The record stays; the picture is gone for everyone.
    assert CheckIn.objects.filter(pk=record_id).exists()
    res = client_for(o.users.kabid_a).get(f"/absen/swafoto/{record_id}/")
    assert res.status_code == 404
    assert selfies_purge_run.call() == 0


def test_retention_is_a_tenant_setting(o: Any) -> None:
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    res = client_for(bkpsdm).patch(
        "/api/v1/attendance/settings",
        data=json.dumps({"selfie_required": True, "selfie_retention_days": 30}),
        content_type="application/json",
    )
    assert res.status_code == 200, res.content
    assert res.json()["selfie_required"] is True
    assert res.json()["selfie_retention_days"] == 30
    res = client_for(bkpsdm).patch(
        "/api/v1/attendance/settings",
        data=json.dumps({"selfie_retention_days": 0}),
        content_type="application/json",
    )
    assert res.status_code == 422
