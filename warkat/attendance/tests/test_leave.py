"""Leave, permission and correction requests: to the superior position, decided by
its holder of the day (Plh included), overlaps refused, annual leave balance."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from warkat.attendance.models import AttendanceRequest, CheckIn
from warkat.attendance.tests.conftest import NOTE, at
from warkat.letters.tests.factories import client_for
from warkat.notify.models import Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/requests"


def post(client: Any, url: str = URL, **body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def ask(o: Any, who: str = "staf_a", **body: Any) -> Any:
    body.setdefault("kind", "sakit")
    body.setdefault("start_date", "2026-11-05")
    body.setdefault("end_date", "2026-11-06")
    body.setdefault("reason", "Demam, surat dokter terlampir")
    body.setdefault("documents", [NOTE])
    return post(client_for(getattr(o.users, who)), **body)


def test_request_goes_to_the_superior_position_and_is_approved(
    o: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The notice is queued with the request's transaction and sent once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        res = ask(o)
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["approver_position_id"] == o.pos.kabid_a.pk
    assert body["days"] == 2 and body["state"] == "pending"
    # The Kabid is told, in Indonesian.
    note = Notification.objects.get(person=o.people.kabid_a)
    assert "Permohonan" in note.title
    todo = client_for(o.users.kabid_a).get(URL + "?to_decide=true").json()
    assert [r["id"] for r in todo] == [body["id"]]
    decided = post(
        client_for(o.users.kabid_a), f"{URL}/{body['id']}/decision", approve=True
    )
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    # The day's status follows on the board.
    o.clock.move_to(at(9, 0, day=5))
    board = client_for(o.users.kabid_a).get(
        f"/api/v1/attendance/today?unit={o.bid_a.pk}"
    )
    statuses = {r["name"]: r["day"]["status"] for r in board.json()["people"]}
    assert statuses["Pranata Komputer Orang"] == "sakit"


def test_plh_of_the_day_decides(o: Any) -> None:
    from warkat.org.tests import factories as org

    org.assignment(
        o.tenant, o.people.sekdis, o.pos.kabid_a, kind="plh",
        start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 10),
    )  # fmt: skip
    request_id = ask(o).json()["id"]
    res = post(
        client_for(o.users.sekdis), f"{URL}/{request_id}/decision",
        approve=False, note="Harap lampirkan surat dokter",
    )  # fmt: skip
    assert res.status_code == 200, res.content
    assert res.json()["state"] == "refused"
    assert AttendanceRequest.objects.get().decided_capacity == "plh"


@pytest.mark.parametrize("who", ["staf_a", "staf_b", "kabid_b", "kadis"])
def test_others_cannot_decide(o: Any, who: str) -> None:
    request_id = ask(o).json()["id"]
    res = post(
        client_for(getattr(o.users, who)), f"{URL}/{request_id}/decision", approve=True
    )
    assert res.status_code in (403, 404)
    assert AttendanceRequest.objects.get().state == "pending"


def test_refusal_needs_a_reason(o: Any) -> None:
    request_id = ask(o).json()["id"]
    res = post(
        client_for(o.users.kabid_a), f"{URL}/{request_id}/decision", approve=False
    )
    assert res.status_code == 422


def test_overlapping_request_is_refused_in_indonesian(o: Any) -> None:
    assert ask(o).status_code == 201
    res = ask(o, kind="izin", start_date="2026-11-06", end_date="2026-11-09")
    assert res.status_code == 409
    assert "bertumpang tindih" in res.json()["message"]
    assert AttendanceRequest.objects.count() == 1


def test_bad_dates_and_kinds(o: Any) -> None:
    assert ask(o, end_date="2026-11-01").status_code == 422
    assert ask(o, kind="libur").status_code == 422
    # Saturday and Sunday only: no working day.
    assert ask(o, start_date="2026-11-07", end_date="2026-11-08").status_code == 422
    assert ask(o, reason=" ").status_code == 422
    assert AttendanceRequest.objects.count() == 0


def test_annual_leave_balance_of_twelve_days(o: Any) -> None:
    ok = ask(o, kind="cuti_tahunan", start_date="2026-11-09", end_date="2026-11-20")
    assert ok.status_code == 201 and ok.json()["days"] == 10
    res = ask(o, kind="cuti_tahunan", start_date="2026-11-23", end_date="2026-11-25")
    assert res.status_code == 422
    assert res.json()["code"] == "attendance.balance_exceeded"
    assert (
        ask(
            o, kind="cuti_tahunan", start_date="2026-11-23", end_date="2026-11-24"
        ).status_code
        == 201
    )


def test_correction_adds_a_record_and_keeps_the_original(o: Any) -> None:
    from warkat.attendance.checkin import checkin_record

    o.clock.move_to(at(7, 25, day=3))
    original = checkin_record(
        actor=o.users.staf_a, latitude=-2.93456, longitude=140.78701, accuracy_m=9.0
    ).record
    o.clock.move_to(at(8, 0, day=4))
    res = ask(
        o, kind="koreksi", start_date="2026-11-03", end_date="2026-11-03",
        correction_direction="out", correction_time="16:05:00",
        reason="Lupa absen pulang",
    )  # fmt: skip
    assert res.status_code == 201, res.content
    post(
        client_for(o.users.kabid_a), f"{URL}/{res.json()['id']}/decision", approve=True
    )
    rows = list(CheckIn.objects.order_by("at"))
    assert rows[0].pk == original.pk
    assert rows[1].source == "correction" and rows[1].at == at(16, 5, day=3)
    assert rows[1].request_id == res.json()["id"]


def test_correction_of_a_future_day_is_refused(o: Any) -> None:
    res = ask(
        o, kind="koreksi", start_date="2026-11-05", end_date="2026-11-05",
        correction_direction="in", correction_time="07:30:00",
    )  # fmt: skip
    assert res.status_code == 422


def test_withdraw_own_pending_request_only(o: Any) -> None:
    request_id = ask(o).json()["id"]
    assert (
        post(client_for(o.users.staf_b), f"{URL}/{request_id}/cancel").status_code
        == 404
    )
    res = post(client_for(o.users.staf_a), f"{URL}/{request_id}/cancel")
    assert res.status_code == 200 and res.json()["state"] == "cancelled"
    assert ask(o).status_code == 201  # a withdrawn request no longer overlaps
