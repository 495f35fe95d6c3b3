"""The attendance pages: check-in, board, review, requests, the offline worker."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from django.templatetags.static import StaticNode

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import AttendanceRequest, CheckIn
from warkat.attendance.tests.conftest import OFFICE, at
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_checkin_page_shows_todays_records_and_flags(o: Any) -> None:
    checkin_record(
        actor=o.users.staf_a, latitude=OFFICE[0] + 0.02, longitude=OFFICE[1],
        accuracy_m=10.0,
    )  # fmt: skip
    res = client_for(o.users.staf_a).get("/absen/")
    assert res.status_code == 200
    html = res.content.decode()
    assert "Absen masuk" in html and "Di luar semua lokasi" in html
    assert 'data-api="/api/v1/attendance/check-ins"' in html


def test_offline_worker_is_served_under_its_scope(o: Any) -> None:
    res = client_for(o.users.staf_a).get("/absen/sw.js")
    assert res.status_code == 200
    assert res["Content-Type"] == "application/javascript"
    assert b"warkat-absen" in res.content


def test_offline_worker_keeps_the_script_the_page_asks_for(o: Any) -> None:
    """Offline, the page asks for its script under the content-hashed name it
    carries (collectstatic's manifest in production): the worker's shell keeps that
    one, not the plain name."""

    def hashed(cls: Any, path: str) -> str:
        stem, _dot, ext = path.rpartition(".")
        return f"/static/{stem}.0123abcd4567.{ext}"

    c = client_for(o.users.staf_a)
    with mock.patch.object(StaticNode, "handle_simple", classmethod(hashed)):
        page = c.get("/absen/").content.decode()
        worker = c.get("/absen/sw.js").content.decode()
    script = re.search(r'<script src="(/static/attendance/checkin[^"]*)"', page)
    assert script and script.group(1).endswith(".0123abcd4567.js")
    assert f'"{script.group(1)}"' in worker
    assert '"/static/attendance/checkin.js"' not in worker


def test_board_page_lists_who_is_not_here(o: Any) -> None:
    o.clock.move_to(at(9, 0))
    c = client_for(o.users.kadis)
    res = c.get(f"/absen/papan/?unit={o.dinas.pk}")
    assert res.status_code == 200
    html = res.content.decode()
    assert "Pranata Komputer Orang" in html and "Belum absen" in html
    assert "Bidang Aplikasi" in html  # a unit below, to open
    assert (
        client_for(o.users.staf_a).get(f"/absen/papan/?unit={o.dinas.pk}").status_code
        == 403
    )


def test_review_page_decides(o: Any) -> None:
    record = checkin_record(
        actor=o.users.staf_a, latitude=OFFICE[0] + 0.02, longitude=OFFICE[1],
        accuracy_m=10.0,
    ).record  # fmt: skip
    c = client_for(o.users.kabid_a)
    assert "Pranata Komputer Orang" in c.get("/absen/tinjau/").content.decode()
    res = c.post(
        "/absen/tinjau/",
        {"record": record.pk, "decision": "reject", "reason": "Bukan di kantor"},
    )
    assert res.status_code == 302
    record.refresh_from_db()
    assert record.review == "rejected"
    # Someone else's attempt changes nothing.
    other = checkin_record(
        actor=o.users.staf_b, latitude=OFFICE[0] + 0.02, longitude=OFFICE[1],
        accuracy_m=10.0,
    ).record  # fmt: skip
    c.post("/absen/tinjau/", {"record": other.pk, "decision": "accept", "reason": "x"})
    other.refresh_from_db()
    assert other.review == "pending"


def test_requests_page_submit_and_decide(o: Any) -> None:
    staff = client_for(o.users.staf_a)
    res = staff.post(
        "/absen/permohonan/",
        {"kind": "izin", "start_date": "2026-11-05", "reason": "Urusan keluarga"},
    )
    assert res.status_code == 302
    request = AttendanceRequest.objects.get()
    boss = client_for(o.users.kabid_a)
    assert "Urusan keluarga" in boss.get("/absen/permohonan/").content.decode()
    boss.post(f"/absen/permohonan/{request.pk}/approve/")
    request.refresh_from_db()
    assert request.state == "approved"
    assert staff.post(f"/absen/permohonan/{request.pk}/approve/").status_code in (
        302,
        403,
        404,
    )
    request.refresh_from_db()
    assert request.decided_by_id == o.people.kabid_a.pk


def test_requests_page_bad_date_is_a_message_not_a_500(o: Any) -> None:
    res = client_for(o.users.staf_a).post(
        "/absen/permohonan/", {"kind": "izin", "start_date": "kemarin", "reason": "x"}
    )
    assert res.status_code == 302
    assert AttendanceRequest.objects.count() == 0
    assert CheckIn.objects.count() == 0


def test_review_list_queries_do_not_grow_with_records(o: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(o.users.kadis)
    far: dict[str, Any] = {"latitude": OFFICE[0] + 0.02, "longitude": OFFICE[1]}
    far["accuracy_m"] = 10.0
    checkin_record(actor=o.users.staf_a, **far)
    c.get("/absen/tinjau/")
    with CaptureQueriesContext(connection) as one:
        c.get("/absen/tinjau/")
        c.get("/api/v1/attendance/reviews")
    for key in ("staf_b", "tu", "outsider", "kabid_b"):
        checkin_record(actor=getattr(o.users, key), **far)
    with CaptureQueriesContext(connection) as five:
        page = c.get("/absen/tinjau/")
        api = c.get("/api/v1/attendance/reviews")
    assert page.content.decode().count('name="record"') == 5
    assert len(api.json()) == 5
    assert len(five) == len(one)
