"""Bulk correction after a machine outage: the personnel office adds the missing
records of a date range for a unit's subtree as approved corrections, keeping the
originals, skipping leave and complete days, audited, each corrected person told in the
app; nobody else may."""

from __future__ import annotations

import json
from typing import Any

import pytest

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import AttendanceRequest, BulkCorrection, CheckIn
from warkat.attendance.tests.conftest import at
from warkat.audit.models import AuditEvent
from warkat.letters.tests.factories import client_for
from warkat.notify.models import Notification
from warkat.org.tests import factories as org
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/bulk-corrections"


def send(user: Any, unit: Any, start: str = "2026-11-02", end: str = "2026-11-03",
         reason: str = "Mesin sidik jari rusak") -> Any:  # fmt: skip
    body = {"unit_id": unit.pk, "start_date": start, "end_date": end, "reason": reason}
    return client_for(user).post(
        URL, data=json.dumps(body), content_type="application/json"
    )


def kabid_sick(o: Any) -> AttendanceRequest:
    """The Kabid on approved sick leave on 2 and 3 November (nothing to correct)."""
    return AttendanceRequest.objects.create(
        tenant=o.tenant, person=o.people.kabid_a, kind="sakit",
        start_date=at(0, day=2).date(), end_date=at(0, day=3).date(), reason="Demam",
        days=2, approver_position=o.pos.sekdis, state="approved",
        created_at=at(6, day=2), decided_at=at(6, day=2), decided_by=o.people.sekdis,
    )  # fmt: skip


@pytest.fixture
def bkpsdm(o: Any) -> Any:
    officer = org.person(o.tenant, full_name="Petugas BKPSDM")
    return org.user(o.tenant, "kepegawaian", person_=officer, username="bkpsdm")


def test_missing_records_added_as_corrections_originals_kept(
    o: Any, bkpsdm: Any
) -> None:
    o.clock.move_to(at(7, 25, day=3))
    original = checkin_record(
        actor=o.users.staf_a, latitude=-2.93456, longitude=140.78701, accuracy_m=9.0
    ).record
    sick = kabid_sick(o)
    o.clock.move_to(at(8, 0, day=4))
    res = send(bkpsdm, o.bid_a)
    assert res.status_code == 201, res.content
    mine = CheckIn.objects.filter(person=o.people.staf_a).order_by("at")
    assert [(r.direction, r.at, r.source) for r in mine] == [
        ("in", at(7, 30, day=2), "correction"),
        ("out", at(16, day=2), "correction"),
        ("in", at(7, 25, day=3), original.source),
        ("out", at(16, day=3), "correction"),
    ]
    assert mine[2].pk == original.pk and mine[2].request_id is None
    fixes = AttendanceRequest.objects.filter(kind="koreksi", person=o.people.staf_a)
    assert fixes.count() == 3
    assert all(r.state == "approved" and r.bulk_id == res.json()["id"] for r in fixes)
    assert all(r.decided_by_id == bkpsdm.person_id for r in fixes)
    # On sick leave: nothing; outside the unit: nothing.
    assert not CheckIn.objects.filter(person=o.people.kabid_a).exists()
    assert not CheckIn.objects.filter(person=o.people.staf_b).exists()
    assert sick.state == "approved"
    event = AuditEvent.objects.get(action="attendance.bulk_correction")
    assert len(event.data["corrections"]) == res.json()["corrections"]
    # Run again: everything is there, nothing added twice.
    again = send(bkpsdm, o.bid_a)
    assert again.status_code == 201 and again.json()["corrections"] == 0


def test_each_corrected_person_is_told_in_app(
    o: Any, bkpsdm: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kabid_sick(o)
    o.clock.move_to(at(8, 0, day=4))
    # Queued with the batch's transaction, delivered once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        res = send(bkpsdm, o.bid_a)
    assert res.status_code == 201, res.content
    corrected = set(
        AttendanceRequest.objects.filter(bulk_id=res.json()["id"]).values_list(
            "person_id", flat=True
        )
    )
    assert o.people.staf_a.pk in corrected
    notes = Notification.objects.filter(kind="attendance.corrected")
    assert {n.person_id for n in notes} == corrected  # one each, nobody else
    assert o.people.kabid_a.pk not in corrected  # on sick leave: nothing to fix
    note = notes.get(person=o.people.staf_a)
    assert "dikoreksi" in note.title and "Mesin sidik jari rusak" in note.body
    assert "2026-11-02" in note.body and note.url == "/absen/permohonan/"
    # Nothing left to correct: nobody is told again.
    with django_capture_on_commit_callbacks(execute=True):
        assert send(bkpsdm, o.bid_a).json()["corrections"] == 0
    assert Notification.objects.filter(kind="attendance.corrected").count() == len(
        corrected
    )


@pytest.mark.parametrize("who", ["staf_a", "kabid_a", "admin"])
def test_only_the_personnel_office(o: Any, who: str) -> None:
    res = send(getattr(o.users, who), o.bid_a)
    assert res.status_code == 403
    assert not BulkCorrection.objects.exists() and not CheckIn.objects.exists()
    assert not Notification.objects.exists()


def test_other_tenant_and_bad_ranges(o: Any, bkpsdm: Any, other_tenant: Any) -> None:
    with tenant_scope(other_tenant):
        stranger = org.person(other_tenant, full_name="Pegawai Gorontalo")
        office = org.user(
            other_tenant, "kepegawaian", person_=stranger, username="bkpsdm.gtlo"
        )
    assert send(office, o.bid_a).status_code == 404
    future = send(bkpsdm, o.bid_a, end="2026-11-05")
    assert future.status_code == 422
    assert future.json()["code"] == "attendance.bulk_dates_invalid"
    assert send(bkpsdm, o.bid_a, start="2026-09-01").status_code == 422
    assert send(bkpsdm, o.bid_a, reason=" ").status_code == 422
    assert not CheckIn.objects.exists()


def test_page_for_the_personnel_office(o: Any, bkpsdm: Any) -> None:
    client = client_for(bkpsdm)
    page = client.get("/absen/koreksi-massal/")
    assert page.status_code == 200 and "Koreksi massal" in page.content.decode()
    form = {"unit": o.bid_a.pk, "start_date": "2026-11-02", "end_date": "2026-11-02"}
    form["reason"] = "Listrik padam"
    done = client.post("/absen/koreksi-massal/", form, follow=True)
    assert "catatan ditambahkan melalui koreksi" in done.content.decode()
    assert BulkCorrection.objects.get().corrections > 0
    assert client_for(o.users.staf_a).get("/absen/koreksi-massal/").status_code == 403


def test_the_tab_shows_only_to_the_personnel_office(o: Any, bkpsdm: Any) -> None:
    office = client_for(bkpsdm).get("/absen/koreksi-massal/").content.decode()
    staff = client_for(o.users.staf_a).get("/absen/").content.decode()
    assert 'href="/absen/koreksi-massal/"' in office
    assert "koreksi-massal" not in staff
