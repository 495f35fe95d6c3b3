"""The monthly recap: bands, TPP cuts, exports, future months, visibility."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest

from warkat.attendance.models import AttendanceSettings, CheckIn
from warkat.attendance.recap import band
from warkat.attendance.tests.conftest import WIT, at
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_bands() -> None:
    assert [band(m) for m in (0, 1, 30, 31, 60, 61, 90, 91, 300)] == [
        0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip


def _day(o: Any, day: int, arrive: tuple[int, int], leave: tuple[int, int]) -> None:
    for direction, (h, m) in (("in", arrive), ("out", leave)):
        t = dt.datetime(2026, 11, day, h, m, tzinfo=WIT)
        CheckIn.objects.create(
            tenant=o.tenant, person=o.people.staf_a, direction=direction, at=t,
            day=dt.date(2026, 11, day), recorded_at=t, source="machine",
        )  # fmt: skip


def _recap(o: Any, who: str = "kabid_a", **query: Any) -> Any:
    query.setdefault("month", "2026-11")
    query.setdefault("unit", o.bid_a.pk)
    return client_for(getattr(o.users, who)).get("/api/v1/attendance/recap", query)


def test_recap_counts_bands_and_cut(o: Any) -> None:
    o.clock.move_to(at(18, 0, day=4))
    _day(o, 2, (7, 45), (16, 0))  # Monday: 15 min late → TL1
    _day(o, 3, (9, 5), (15, 20))  # Tuesday: 95 late → TL4, 40 early → PSW2
    # Wednesday the 4th: nothing → TK (after the end of the day).
    settings = AttendanceSettings.objects.create(
        tenant=o.tenant, tl1_pct=Decimal("0.5"), tk_pct=Decimal("2")
    )
    assert settings.pk
    res = _recap(o)
    assert res.status_code == 200, res.content
    row = next(p for p in res.json()["people"] if p["name"] == "Pranata Komputer Orang")
    assert row["statuses"] == {"libur": 1, "tl": 1, "tl_psw": 1, "tk": 1}
    assert row["tl"] == [1, 0, 0, 1] and row["psw"] == [0, 1, 0, 0]
    assert (row["late_min"], row["early_min"]) == (110, 40)
    # 0.5 (TL1) + 1.5 (TL4) + 1 (PSW2) + 2 (one TK day)
    assert row["tpp_cut_pct"] == 5.0


def test_future_month_and_bad_month_are_4xx(o: Any) -> None:
    future = _recap(o, month="2026-12")
    assert future.status_code == 422
    assert future.json()["code"] == "attendance.month_future"
    assert _recap(o, month="2026-13").status_code == 422
    assert _recap(o, month="november").status_code == 422


def test_recap_only_for_units_one_may_see(o: Any) -> None:
    assert _recap(o, who="staf_a").status_code == 403
    assert _recap(o, who="kabid_b").status_code == 403
    assert _recap(o, who="kadis", unit=o.dinas.pk).status_code == 200


def test_exports(o: Any) -> None:
    from openpyxl import load_workbook

    c = client_for(o.users.kabid_a)
    url = "/api/v1/attendance/recap/export"
    xlsx = c.get(url, {"month": "2026-11", "unit": o.bid_a.pk})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "Pranata Komputer Orang" in names
    pdf = c.get(url, {"month": "2026-11", "unit": o.bid_a.pk, "fmt": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert c.get(url, {"month": "2026-11", "fmt": "doc"}).status_code == 422
    page = c.get("/absen/rekap/", {"month": "2026-11", "unit": o.bid_a.pk})
    assert page.status_code == 200
    assert "Pranata Komputer Orang" in page.content.decode()
