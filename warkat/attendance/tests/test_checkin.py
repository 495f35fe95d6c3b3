"""Checking in from the phone: server time, geofence, flags, duplicates, bad input."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import CheckIn
from warkat.attendance.tests.conftest import OFFICE, at
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance/check-ins"


def post(client: Any, url: str = URL, **body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def tap(o: Any, key: str = "staf_a", **kw: Any) -> Any:
    kw.setdefault("latitude", OFFICE[0] + 0.0003)  # ~33 m north of the office
    kw.setdefault("longitude", OFFICE[1])
    kw.setdefault("accuracy_m", 12.0)
    return checkin_record(actor=getattr(o.users, key), **kw)


def test_inside_the_office_records_server_time_and_is_not_flagged(o: Any) -> None:
    c = client_for(o.users.staf_a)
    res = post(
        c,
        latitude=OFFICE[0] + 0.0003,
        longitude=OFFICE[1],
        accuracy_m=12,
        device_at="2026-11-04T03:00:00+09:00",
        client_key="tap-1",
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["direction"] == "in"
    assert body["review"] == "" and body["flags"] == []
    assert body["location"] == "Kantor Dinas Kominfo Arso"
    assert 25 <= body["distance_m"] <= 40
    # The phone said 03:00; the server's 07:20 stands.
    assert dt.datetime.fromisoformat(body["at"]) == at(7, 20)
    assert body["day"] == "2026-11-04"


def test_second_tap_later_is_the_check_out(o: Any) -> None:
    assert tap(o).record.direction == "in"
    o.clock.move_to(at(16, 5))
    second = tap(o)
    assert second.created and second.record.direction == "out"


def test_outside_every_place_is_recorded_but_flagged_with_reason(o: Any) -> None:
    c = client_for(o.users.staf_a)
    res = post(c, latitude=OFFICE[0] + 0.01, longitude=OFFICE[1], accuracy_m=10)
    assert res.status_code == 201
    body = res.json()
    assert body["review"] == "pending"
    assert [f["code"] for f in body["flags"]] == ["outside"]
    assert "Kantor Dinas Kominfo Arso" in body["flags"][0]["reason"]
    assert CheckIn.objects.count() == 1


def test_accuracy_worse_than_the_radius_is_flagged(o: Any) -> None:
    result = tap(o, accuracy_m=350.0)
    assert [f["code"] for f in result.record.flags] == ["inaccurate"]


def test_too_perfect_accuracy_is_flagged(o: Any) -> None:
    assert [f["code"] for f in tap(o, accuracy_m=0.5).record.flags] == ["too_perfect"]


def test_same_key_again_records_nothing_new(o: Any) -> None:
    c = client_for(o.users.staf_a)
    body: dict[str, Any] = {"latitude": OFFICE[0], "longitude": OFFICE[1]}
    body["accuracy_m"] = 9
    first = post(c, client_key="k-1", **body)
    o.clock.shift(dt.timedelta(minutes=30))
    again = post(c, client_key="k-1", **body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert CheckIn.objects.count() == 1


def test_double_tap_within_the_window_records_once(o: Any) -> None:
    first = tap(o)
    o.clock.shift(dt.timedelta(seconds=20))
    second = tap(o)
    assert not second.created and second.record.pk == first.record.pk
    assert CheckIn.objects.count() == 1


def test_replayed_offline_batch_is_not_recorded_twice(o: Any) -> None:
    o.clock.move_to(at(9, 0))
    c = client_for(o.users.staf_a)  # signed in after the clock moved
    batch = {
        "records": [
            {"latitude": OFFICE[0], "longitude": OFFICE[1], "accuracy_m": 8,
             "source": "offline", "device_at": "2026-11-04T07:25:00+09:00",
             "client_key": "off-1"},
        ]
    }  # fmt: skip
    first = post(c, URL + "/batch", **batch)
    again = post(c, URL + "/batch", **batch)
    assert first.status_code == again.status_code == 200
    assert first.json()[0]["record"]["created"]
    assert not again.json()[0]["record"]["created"]
    record = CheckIn.objects.get()
    # The device time stands for an offline record; the server's is kept too.
    assert record.at == at(7, 25) and record.recorded_at == at(9, 0)
    # 95 minutes between tap and arrival: flagged.
    assert [f["code"] for f in record.flags] == ["offline_gap"]


@pytest.mark.parametrize(
    "body,code",
    [
        ({}, "attendance.coordinates_missing"),
        ({"latitude": -2.9}, "attendance.coordinates_missing"),
        ({"latitude": 200, "longitude": 140}, "attendance.coordinates_invalid"),
        ({"latitude": 0, "longitude": 0}, "attendance.coordinates_invalid"),
        (
            {"latitude": -2.9, "longitude": 140.7, "accuracy_m": -1},
            "attendance.coordinates_invalid",
        ),
        (
            {"latitude": -2.9, "longitude": 140.7, "source": "offline"},
            "attendance.device_time_invalid",
        ),
        (
            {"latitude": -2.9, "longitude": 140.7, "source": "offline",
             "device_at": "2026-11-05T07:20:00+09:00"},
            "attendance.device_time_invalid",
        ),
        ({"latitude": -2.9, "longitude": 140.7, "source": "gps"}, "attendance.source_invalid"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_4xx_and_records_nothing(
    o: Any, body: dict[str, Any], code: str
) -> None:
    res = post(client_for(o.users.staf_a), **body)
    assert res.status_code == 422, res.content
    data = res.json()
    assert data["code"] == code
    assert data["message"] != data["message_en"]  # Indonesian first
    assert CheckIn.objects.count() == 0


def test_impossible_travel_between_records_is_flagged(o: Any) -> None:
    # Yesterday evening in Jayapura (≈ 60 km away), this morning 5 minutes later.
    tap(o, latitude=-2.5337, longitude=140.7181, direction="out", accuracy_m=10.0)
    o.clock.shift(dt.timedelta(minutes=5))
    result = tap(o)
    assert "travel" in [f["code"] for f in result.record.flags]


def test_same_coordinates_day_after_day_are_flagged(o: Any) -> None:
    for day in (1, 2, 3):
        CheckIn.objects.create(
            tenant=o.tenant, person=o.people.staf_a, direction="in",
            at=at(7, 25, day), day=dt.date(2026, 11, day), recorded_at=at(7, 25, day),
            latitude="-2.934260", longitude="140.787010", accuracy_m=10, source="web",
        )  # fmt: skip
    result = tap(o, latitude=-2.93426, longitude=140.78701)
    assert [f["code"] for f in result.record.flags] == ["repeated"]


def test_machine_pushes_for_a_person_with_its_role_only(o: Any) -> None:
    from warkat.org.tests import factories as org

    machine = org.user(o.tenant, "mesin_absen", username="mesin.kominfo")
    body = {"source": "machine", "nip": o.people.staf_b.nip,
            "device_at": "2026-11-04T07:10:00+09:00", "client_key": "m-77"}  # fmt: skip
    res = post(client_for(machine), **body)
    assert res.status_code == 201, res.content
    assert res.json()["person_id"] == o.people.staf_b.pk
    assert res.json()["source"] == "machine"
    denied = post(client_for(o.users.staf_a), **{**body, "client_key": "m-78"})
    assert denied.status_code == 403


def test_one_bad_record_in_a_batch_loses_none_of_the_others(o: Any) -> None:
    o.clock.move_to(at(9, 0))
    c = client_for(o.users.staf_a)
    good = {"latitude": OFFICE[0], "longitude": OFFICE[1], "accuracy_m": 8,
            "source": "offline"}  # fmt: skip
    batch = {
        "records": [
            {**good, "device_at": "2026-10-01T07:25:00+09:00", "client_key": "old"},
            {**good, "device_at": "2026-11-04T07:25:00+09:00", "client_key": "in"},
            {"source": "offline", "device_at": "2026-11-04T08:00:00+09:00",
             "client_key": "nopos"},
        ]
    }  # fmt: skip
    res = post(c, URL + "/batch", **batch)
    assert res.status_code == 200, res.content
    answers = {a["client_key"]: a for a in res.json()}
    assert answers["old"]["error"]["code"] == "attendance.device_time_invalid"
    assert answers["nopos"]["error"]["code"] == "attendance.coordinates_missing"
    assert answers["in"]["record"]["created"]
    assert CheckIn.objects.count() == 1
    too_many = post(c, URL + "/batch", records=[good] * 201)
    assert too_many.status_code == 422
    assert CheckIn.objects.count() == 1
