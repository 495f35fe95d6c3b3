"""PP 94/2021 alerts: thresholds of days without reason, once each, to the
superior and the personnel office."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from warkat.attendance.discipline import discipline_check
from warkat.attendance.models import AttendanceSettings, CheckIn, DisciplineAlert
from warkat.attendance.tests.conftest import WIT
from warkat.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_thresholds_alert_superior_and_personnel_office_once(
    o: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from warkat.org.tests import factories as org

    bkpsdm_person = org.person(o.tenant, full_name="Petugas BKPSDM")
    org.user(o.tenant, "kepegawaian", person_=bkpsdm_person, username="bkpsdm")
    AttendanceSettings.objects.create(
        tenant=o.tenant,
        consecutive_alert_days=3,
        discipline_steps=[[3, "teguran lisan"]],
    )
    # 4, 6 and 7 January 2027 are working days (New Year on the 1st, Isra Mi'raj on
    # the 5th); staf_b came to work.
    for day in (4, 5, 6, 7):
        for direction, hour in (("in", 7), ("out", 16)):
            t = dt.datetime(2027, 1, day, hour, 30, tzinfo=WIT)
            CheckIn.objects.create(
                tenant=o.tenant, person=o.people.staf_b, direction=direction, at=t,
                day=t.date(), recorded_at=t, source="machine",
            )  # fmt: skip
    # The notices are queued with the transaction (delivered once it commits).
    with django_capture_on_commit_callbacks(execute=True):
        made = discipline_check(tenant=o.tenant, today=dt.date(2027, 1, 8))
    assert made > 0
    mine = set(
        DisciplineAlert.objects.filter(person=o.people.staf_a).values_list(
            "threshold", "days"
        )
    )
    assert ("days:3", 3) in mine and {k for k, _n in mine} == {
        "days:3",
        "consecutive:3",
    }
    # The run began in December (nobody came): it reaches into January.
    assert dict(mine)["consecutive:3"] > 3
    assert not DisciplineAlert.objects.filter(person=o.people.staf_b).exists()
    told = Notification.objects.filter(kind="attendance.discipline")
    about_a = [n for n in told if "Pranata Komputer Orang" in n.title]
    assert {n.person_id for n in about_a} == {o.people.kabid_a.pk, bkpsdm_person.pk}
    assert "teguran lisan" in about_a[0].body
    # Once only.
    assert discipline_check(tenant=o.tenant, today=dt.date(2027, 1, 8)) == 0


def test_a_run_from_december_counts_in_january_but_an_old_one_does_not(o: Any) -> None:
    from warkat.attendance.discipline import absences_count
    from warkat.attendance.status import DayStatus

    def day(status: str) -> Any:
        return type("D", (), {"status": status})()

    jan = dt.date(2027, 1, 1)
    days = {dt.date(2026, 12, d): day(DayStatus.TK) for d in range(21, 32)}
    days[jan] = day(DayStatus.LIBUR)
    days[dt.date(2027, 1, 4)] = day(DayStatus.TK)
    counted = absences_count(days, jan)
    assert (counted.total, counted.in_a_row) == (1, 12)
    days[dt.date(2027, 1, 4)] = day(DayStatus.HADIR)
    assert absences_count(days, jan).in_a_row == 0  # ended before the year
