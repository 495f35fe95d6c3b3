"""The check-in fast path (PostgreSQL): the same answer and the same rules as the
full path, in two round trips; everything uncommon is left to the full path."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import Client
from django.utils import timezone

from warkat.accounts.services import api_token_create
from warkat.attendance.api import checkin_out
from warkat.attendance.models import CheckIn, PersonPlace, WorkLocation
from warkat.attendance.tests.conftest import OFFICE, at
from warkat.tenancy.scope import _db_value

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not settings.IS_POSTGRES, reason="the fast path is PostgreSQL's"
    ),
]

URL = "/api/v1/attendance/check-ins"


def phone(o: Any, key: str = "staf_a") -> Client:
    raw = api_token_create(user=getattr(o.users, key), name="phone")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, **body: Any) -> Any:
    body.setdefault("latitude", OFFICE[0] + 0.0003)
    body.setdefault("longitude", OFFICE[1])
    body.setdefault("accuracy_m", 12)
    return client.post(URL, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def full_path() -> Any:
    """Counts the calls that reach the ordinary route."""
    with mock.patch(
        "warkat.attendance.api.checkin_record",
        side_effect=__import__(
            "warkat.attendance.checkin", fromlist=["x"]
        ).checkin_record,
    ) as spy:
        yield spy


def test_answers_like_the_full_path_without_reaching_it(o: Any, full_path: Any) -> None:
    res = post(phone(o), client_key="tap-1")
    assert res.status_code == 201, res.content
    assert full_path.call_count == 0
    record = CheckIn.objects.get()
    expected = json.loads(
        json.dumps(checkin_out(record, True).model_dump(), cls=DjangoJSONEncoder)
    )
    assert res.json() == expected
    assert record.at == timezone.now() and record.day == dt.date(2026, 11, 4)
    assert record.direction == "in" and record.review == "" and record.flags == []
    assert record.location == o.office and record.client_key == "tap-1"
    assert record.source == "web" and record.accuracy_m == 12.0
    # The connection is back in the tenant setting it had before (the test's).
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('warkat.tenant_id', true)")
        assert cur.fetchone()[0] == _db_value() == str(o.tenant.pk)


def test_flags_and_reasons_in_indonesian(o: Any, full_path: Any) -> None:
    res = post(phone(o), latitude=OFFICE[0] + 0.01, accuracy_m=1)
    assert res.status_code == 201
    body = res.json()
    assert body["review"] == "pending"
    assert [f["code"] for f in body["flags"]] == ["outside", "too_perfect"]
    assert body["flags"][0]["reason"].startswith("Di luar")
    assert full_path.call_count == 0


def test_later_tap_is_the_check_out_and_travel_is_flagged(
    o: Any, full_path: Any
) -> None:
    c = phone(o)
    assert post(c).json()["direction"] == "in"
    o.clock.move_to(at(16, 5))
    assert post(c).json()["direction"] == "out"
    o.clock.move_to(at(16, 10))
    far = post(c, latitude=-2.5337, longitude=140.7181, direction="out")
    assert "travel" in [f["code"] for f in far.json()["flags"]]
    assert full_path.call_count == 0


def test_repeated_coordinates_and_own_places(o: Any, full_path: Any) -> None:
    for day in (1, 2, 3):
        CheckIn.objects.create(
            tenant=o.tenant, person=o.people.staf_a, direction="in",
            at=at(7, 25, day), day=dt.date(2026, 11, day), recorded_at=at(7, 25, day),
            latitude="-2.934260", longitude="140.787010", accuracy_m=10, source="web",
        )  # fmt: skip
    res = post(phone(o), latitude=-2.93426, longitude=140.78701)
    assert [f["code"] for f in res.json()["flags"]] == ["repeated"]
    puskesmas = WorkLocation.objects.create(
        tenant=o.tenant, unit=o.other, name="Puskesmas Waris", latitude="-3.1",
        longitude="140.9", radius_m=100, is_active=True,
    )  # fmt: skip
    PersonPlace.objects.create(
        tenant=o.tenant, person=o.people.staf_b, location=puskesmas
    )
    o.clock.move_to(at(7, 40))
    there = post(phone(o, "staf_b"), latitude=-3.1, longitude=140.9)
    assert there.json()["location"] == "Puskesmas Waris"
    assert there.json()["flags"] == []
    assert full_path.call_count == 0


@pytest.mark.parametrize("case", ["replay", "double_tap", "offline", "bad", "session"])
def test_uncommon_taps_take_the_full_path(o: Any, full_path: Any, case: str) -> None:
    c = phone(o)
    first = post(c, client_key="k1")
    assert first.status_code == 201
    if case == "replay":
        res = post(c, client_key="k1")
        assert res.status_code == 200 and res.json()["id"] == first.json()["id"]
    elif case == "double_tap":
        res = post(c, client_key="k2")
        assert res.status_code == 200 and res.json()["id"] == first.json()["id"]
    elif case == "offline":
        res = post(c, source="offline", device_at="2026-11-04T07:00:00+09:00")
        assert res.status_code == 201 and res.json()["source"] == "offline"
    elif case == "bad":
        res = post(c, latitude=123.0)
        assert res.status_code == 422
    else:
        from warkat.letters.tests.factories import client_for

        res = post(client_for(o.users.staf_b))
        assert res.status_code == 201
    assert full_path.call_count == 1
    assert CheckIn.objects.count() == (
        1 if case in ("replay", "double_tap", "bad") else 2
    )


def test_refused_tokens_answer_as_before(o: Any, full_path: Any) -> None:
    from warkat.accounts.models import ApiToken

    c = phone(o)
    ApiToken.objects.update(revoked_at=timezone.now())
    assert post(c).status_code == 401
    narrowed = phone(o, "staf_b")
    ApiToken.objects.filter(revoked_at=None).update(scopes=["letters:read"])
    assert post(narrowed).status_code == 403
    assert post(Client(HTTP_AUTHORIZATION="Bearer nope")).status_code == 401
    assert CheckIn.objects.count() == 0
