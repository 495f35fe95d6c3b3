"""Review of flagged records and today's board: statuses, minutes, visibility."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from warkat.attendance.checkin import checkin_record
from warkat.attendance.models import CheckIn
from warkat.attendance.schedule import DayPlan
from warkat.attendance.status import derive
from warkat.attendance.tests.conftest import OFFICE, at
from warkat.audit.models import AuditEvent
from warkat.letters.tests.factories import client_for
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db


def tap(o: Any, key: str, **kw: Any) -> Any:
    kw.setdefault("latitude", OFFICE[0])
    kw.setdefault("longitude", OFFICE[1])
    kw.setdefault("accuracy_m", 10.0)
    return checkin_record(actor=getattr(o.users, key), **kw).record


def review(client: Any, record: CheckIn, **body: Any) -> Any:
    return client.post(
        f"/api/v1/attendance/check-ins/{record.pk}/review",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_superior_accepts_a_flagged_record_with_reason_audited(o: Any) -> None:
    record = tap(o, "staf_a", latitude=OFFICE[0] + 0.02)
    assert record.review == "pending"
    listed = client_for(o.users.kabid_a).get("/api/v1/attendance/reviews").json()
    assert [r["id"] for r in listed] == [record.pk]
    res = review(
        client_for(o.users.kabid_a),
        record,
        decision="accept",
        reason="Rapat di kantor distrik",
    )
    assert res.status_code == 200, res.content
    assert res.json()["review"] == "accepted"
    event = AuditEvent.objects.get(action="attendance.checkin_accepted")
    assert event.data["reason"] == "Rapat di kantor distrik"
    again = review(client_for(o.users.kadis), record, decision="reject", reason="x")
    assert again.status_code == 409


@pytest.mark.parametrize("who", ["staf_a", "staf_b", "kabid_b", "kadinkes"])
def test_only_superiors_of_the_person_review(o: Any, who: str) -> None:
    record = tap(o, "staf_a", latitude=OFFICE[0] + 0.02)
    res = review(
        client_for(getattr(o.users, who)), record, decision="reject", reason="Palsu"
    )
    assert res.status_code in (403, 404)
    record.refresh_from_db()
    assert record.review == "pending"


def test_reject_needs_a_reason_and_a_known_decision(o: Any) -> None:
    record = tap(o, "staf_a", latitude=OFFICE[0] + 0.02)
    c = client_for(o.users.kadis)
    assert review(c, record, decision="reject", reason=" ").status_code == 422
    assert review(c, record, decision="maybe", reason="x").status_code == 422


def test_status_derivation_minutes_late_and_early() -> None:
    plan = DayPlan(start=at(7, 30), end=at(16, 0))
    rec = lambda d, t: CheckIn(direction=d, at=t, review="")  # noqa: E731
    day = derive(
        plan=plan, records=[rec("in", at(7, 52)), rec("out", at(15, 10))],
        absence=None, now=at(18),
    )  # fmt: skip
    assert (day.status, day.late_min, day.early_min) == ("tl_psw", 22, 50)
    on_time = derive(
        plan=plan, records=[rec("in", at(7, 29)), rec("out", at(16, 2))],
        absence=None, now=at(18),
    )  # fmt: skip
    assert on_time.status == "hadir"
    assert derive(plan=plan, records=[], absence=None, now=at(9)).status == "belum"
    assert derive(plan=plan, records=[], absence=None, now=at(17)).status == "tk"
    no_out = derive(plan=plan, records=[rec("in", at(7))], absence=None, now=at(17))
    assert no_out.status == "psw" and no_out.missing_out
    assert derive(plan=plan, records=[], absence="sakit", now=at(9)).status == "sakit"
    assert derive(plan=None, records=[], absence=None, now=at(9)).status == "libur"
    rejected = CheckIn(direction="in", at=at(7), review="rejected")
    assert (
        derive(plan=plan, records=[rejected], absence=None, now=at(17)).status == "tk"
    )


def test_board_of_a_bidang_for_its_head(o: Any) -> None:
    o.clock.move_to(at(8, 10))
    tap(o, "staf_a")
    res = client_for(o.users.kabid_a).get(f"/api/v1/attendance/today?unit={o.bid_a.pk}")
    assert res.status_code == 200, res.content
    body = res.json()
    rows = {r["name"]: r["day"] for r in body["people"]}
    assert rows["Pranata Komputer Orang"]["status"] == "tl"
    assert rows["Pranata Komputer Orang"]["late_min"] == 40
    assert rows["Kabid Aplikasi Orang"]["status"] == "belum"
    assert body["total"] == 2 and body["late"] == 1 and body["present"] == 1


def test_board_of_the_dinas_for_its_head_covers_the_subtree(o: Any) -> None:
    res = client_for(o.users.kadis).get(f"/api/v1/attendance/today?unit={o.dinas.pk}")
    assert res.status_code == 200
    assert res.json()["total"] == 8  # kadis, sekdis, 2 kabid, 2 staf, tu, analis


@pytest.mark.parametrize(
    "who,unit",
    [("staf_a", "bid_a"), ("kabid_a", "bid_b"), ("kabid_a", "dinas"),
     ("kadinkes", "dinas")],
)  # fmt: skip
def test_board_is_refused_outside_the_viewers_subtree(
    o: Any, who: str, unit: str
) -> None:
    res = client_for(getattr(o.users, who)).get(
        f"/api/v1/attendance/today?unit={getattr(o, unit).pk}"
    )
    assert res.status_code == 403


def test_personnel_office_sees_every_unit(o: Any) -> None:
    from warkat.org.tests import factories as org

    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    for unit in (o.dinas, o.other, o.root):
        res = client_for(bkpsdm).get(f"/api/v1/attendance/today?unit={unit.pk}")
        assert res.status_code == 200


def test_own_records_only(o: Any) -> None:
    tap(o, "staf_a")
    mine = client_for(o.users.staf_a).get("/api/v1/attendance/check-ins").json()
    theirs = client_for(o.users.staf_b).get("/api/v1/attendance/check-ins").json()
    assert len(mine) == 1 and theirs == []


def test_board_queries_do_not_grow_with_people(o: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from warkat.org.tests import factories as org

    c = client_for(o.users.kabid_a)
    url = f"/api/v1/attendance/today?unit={o.bid_a.pk}"
    c.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        c.get(url)
    for i in range(15):
        person = org.person(o.tenant, full_name=f"Staf Tambahan {i}")
        org.assignment(
            o.tenant, person, org.position(o.tenant, o.bid_a, superior=o.pos.kabid_a),
            start_date=dt.date(2020, 1, 1),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        res = c.get(url)
    assert res.json()["total"] == 17
    assert len(many) == len(few)


def test_board_answer_is_exactly_its_declared_schema(o: Any) -> None:
    """The board is written straight to JSON (not through the schema): every answer
    must be what the OpenAPI schema declares, field for field, in the API's own
    encoding of the same values (dates, UTC times with milliseconds)."""
    from ninja.responses import NinjaJSONEncoder

    from warkat.api.urls import api
    from warkat.attendance.api import BoardOut
    from warkat.attendance.models import AttendanceRequest

    o.clock.move_to(at(7, 40))
    tap(o, "staf_a", latitude=OFFICE[0] + 0.02)  # late, flagged for review
    o.clock.move_to(at(16, 5, day=4).replace(microsecond=250_000))
    tap(o, "staf_a")  # the check-out, with a fraction of a second
    o.clock.move_to(at(17))
    AttendanceRequest.objects.create(
        tenant=o.tenant, person=o.people.staf_b, kind="sakit",
        start_date=dt.date(2026, 11, 4), end_date=dt.date(2026, 11, 4),
        reason="Demam", days=1, approver_position=o.pos.sekdis,
        state="approved", created_at=at(6), decided_at=at(6, 30),
        decided_by=o.people.sekdis,
    )  # fmt: skip
    res = client_for(o.users.kadis).get(f"/api/v1/attendance/today?unit={o.dinas.pk}")
    assert res.status_code == 200 and res["Content-Type"] == "application/json"
    body = res.json()
    declared = BoardOut.model_validate(body)  # every field there, of its type
    # ... and nothing else, written as the schema's own rendering writes it.
    assert body == json.loads(json.dumps(declared.model_dump(), cls=NinjaJSONEncoder))
    rows = {r["person_id"]: r["day"] for r in body["people"]}
    staf_a = rows[o.people.staf_a.pk]
    assert (staf_a["status"], staf_a["late_min"], staf_a["pending_review"]) == (
        "tl",
        10,
        True,
    )
    assert staf_a["check_out"].endswith(".250Z")
    assert rows[o.people.staf_b.pk]["status"] == "sakit"
    assert body["counts"]["tk"] == body["total"] - 2
    schema = api.get_openapi_schema()
    ok = schema["paths"]["/api/v1/attendance/today"]["get"]["responses"][200]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/BoardOut")


def test_board_page_lists_who_is_not_here_escaped(o: Any) -> None:
    o.people.staf_b.full_name = "<b>Staf</b> & Co"
    o.people.staf_b.save(update_fields=["full_name"])
    o.clock.move_to(at(7, 50))
    tap(o, "staf_a")  # 20 minutes late
    o.clock.move_to(at(9))
    res = client_for(o.users.kadis).get(f"/absen/papan/?unit={o.dinas.pk}")
    html = res.content.decode()
    assert res.status_code == 200
    assert "terlambat 20 menit" in html
    assert "&lt;b&gt;Staf&lt;/b&gt; &amp; Co" in html and "<b>Staf</b>" not in html
    assert 'class="st-belum"' in html and 'class="st-tl"' in html


def test_board_day_folds_every_record_leaving_rejected_ones_out(o: Any) -> None:
    """The board folds the day's records as it reads them: the first check-in and
    the last check-out that were not rejected, as ``derive`` does record by record."""
    o.clock.move_to(at(7, 0))
    rejected = tap(o, "staf_a", direction="in")
    o.clock.move_to(at(7, 50))
    tap(o, "staf_a", direction="in")
    o.clock.move_to(at(7, 40))
    tap(o, "staf_a", direction="in")
    o.clock.move_to(at(15, 0))
    tap(o, "staf_a", direction="out")
    o.clock.move_to(at(15, 45))
    tap(o, "staf_a", direction="out")
    CheckIn.objects.filter(pk=rejected.pk).update(
        review="rejected", reviewed_at=at(8), reviewed_by=o.people.kabid_a
    )
    o.clock.move_to(at(17))
    res = client_for(o.users.kabid_a).get(f"/api/v1/attendance/today?unit={o.bid_a.pk}")
    day = {r["person_id"]: r["day"] for r in res.json()["people"]}[o.people.staf_a.pk]
    assert (day["status"], day["late_min"], day["early_min"]) == ("tl_psw", 10, 15)
    assert dt.datetime.fromisoformat(day["check_in"]) == at(7, 40)
    assert dt.datetime.fromisoformat(day["check_out"]) == at(15, 45)
    assert day["pending_review"] is False
    records = CheckIn.objects.filter(person=o.people.staf_a)
    plan = DayPlan(start=at(7, 30), end=at(16, 0))
    one = derive(plan=plan, records=records, absence=None, now=at(17))
    assert (one.status, one.late_min, one.early_min, one.check_in, one.check_out) == (
        "tl_psw", 10, 15, at(7, 40), at(15, 45),
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_board_people_kept_per_process_follow_every_org_change(
    o: Any, other_tenant: Any
) -> None:
    """Outside a transaction the subtree's people are kept per process under the
    organisation's version: read once, and read again after any change; what is
    kept is never shown outside the viewer's subtree, nor to another tenant."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from warkat.org import selectors as org_selectors
    from warkat.org.tests import factories as org

    org_selectors._HOLDERS.clear()
    try:
        c = client_for(o.users.kadis)
        url = f"/api/v1/attendance/today?unit={o.dinas.pk}"
        first = c.get(url).json()
        with CaptureQueriesContext(connection) as again:
            assert c.get(url).json()["people"] == first["people"]
        assert not [q for q in again if "full_name" in q["sql"]]  # kept: not read
        o.people.staf_a.full_name = "Nama Baru Sekali"
        o.people.staf_a.save(update_fields=["full_name"])
        person = org.person(o.tenant, full_name="Staf Baru")
        org.assignment(
            o.tenant, person, org.position(o.tenant, o.bid_a, superior=o.pos.kabid_a),
            start_date=dt.date(2020, 1, 1),
        )  # fmt: skip
        body = c.get(url).json()
        names = {r["person_id"]: r["name"] for r in body["people"]}
        assert "Nama Baru Sekali" in names[o.people.staf_a.pk]
        assert body["total"] == first["total"] + 1 and person.pk in names
        assert c.get(f"/api/v1/attendance/today?unit={o.other.pk}").status_code == 403
        with tenant_scope(other_tenant):
            stranger = org.user(other_tenant, "kepegawaian", username="bkpsdm.lain")
        for path in ("/api/v1/attendance/today", "/absen/papan/"):
            res = client_for(stranger).get(f"{path}?unit={o.dinas.pk}")
            assert res.status_code == 404 and b"Nama Baru" not in res.content
    finally:
        org_selectors._HOLDERS.clear()
