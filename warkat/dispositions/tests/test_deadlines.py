"""Working days, reminders and escalation."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command

from warkat.dispositions.calendar import (
    add_working_days,
    national_holidays,
    working_days_between,
)
from warkat.dispositions.models import Disposition, TenantHoliday
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.letters.models import LetterEvent
from warkat.letters.tests.factories import register
from warkat.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_cuti_bersama_and_weekends_are_not_working_days(in_tenant) -> None:
    assert dt.date(2026, 12, 24) in national_holidays(2026)  # cuti bersama Natal
    assert dt.date(2026, 12, 25) in national_holidays(2026)
    # Wed 23 Dec + 2 working days: skip 24 (cuti bersama), 25 (Natal), weekend.
    assert add_working_days(start=dt.date(2026, 12, 23), days=2) == dt.date(
        2026, 12, 29
    )
    assert add_working_days(start=dt.date(2026, 11, 6), days=1) == dt.date(2026, 11, 9)


def test_tenant_holidays_count_too(in_tenant) -> None:
    TenantHoliday.objects.create(
        tenant=in_tenant, date=dt.date(2026, 11, 9), name="HUT Kabupaten"
    )
    assert add_working_days(start=dt.date(2026, 11, 6), days=1) == dt.date(2026, 11, 10)
    assert (
        working_days_between(start=dt.date(2026, 11, 6), end=dt.date(2026, 11, 10)) == 1
    )


def test_reminder_then_escalation_once_each(
    o: SimpleNamespace, frozen, django_capture_on_commit_callbacks
) -> None:
    letter = register(o)
    a, b = disposition_create(
        actor=o.users.kadis, letter=letter, to_position_ids=[o.pos.kabid_a.pk, o.pos.kabid_b.pk],
        instructions=["Tindak lanjuti"], deadline=dt.date(2026, 11, 5),
    )  # fmt: skip
    followup_create(actor=o.users.kabid_b, disposition=b, text="Sudah")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic")
    assert Disposition.objects.get(pk=a.pk).reminded_at is not None
    assert Disposition.objects.get(pk=b.pk).reminded_at is None  # followed up: done
    assert (
        Notification.objects.filter(
            person=o.people.kabid_a, kind="disposition.reminder"
        ).count()
        == 1
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic")
    assert Notification.objects.filter(kind="disposition.reminder").count() == 1

    later = time_machine.travel(
        dt.datetime(2026, 11, 6, 1, 0, tzinfo=dt.UTC), tick=False
    )
    with later, django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic")
        call_command("run_periodic")
    event = LetterEvent.objects.get(letter=letter, kind="escalated")
    assert event.position_id == o.pos.kadis.pk  # Kabid A's superior
    assert LetterEvent.objects.filter(kind="reminded").count() == 1
    assert (
        Notification.objects.filter(
            person=o.people.kadis, kind="disposition.escalated"
        ).count()
        == 1
    )


def test_many_counts_at_once_match_one_by_one(in_tenant) -> None:
    from warkat.dispositions.calendar import add_working_days_many

    start = dt.date(2026, 12, 22)
    many = add_working_days_many(start=start, days=[0, 1, 2, 5, 10])
    assert many == {n: add_working_days(start=start, days=n) for n in (0, 1, 2, 5, 10)}


def test_sending_back_starts_a_new_round(
    o: SimpleNamespace, frozen, django_capture_on_commit_callbacks
) -> None:
    from warkat.core.errors import ValidationError
    from warkat.dispositions.services.closing import disposition_return

    letter = register(o)
    (a,) = disposition_create(
        actor=o.users.kadis, letter=letter, to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Tindak lanjuti"], deadline=dt.date(2026, 11, 5),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic")
    followup_create(actor=o.users.kabid_a, disposition=a, text="Draf")
    with pytest.raises(ValidationError):
        disposition_return(
            actor=o.users.kadis,
            disposition=a,
            note="Kurang",
            deadline=dt.date(2026, 11, 1),
        )
    disposition_return(
        actor=o.users.kadis, disposition=a, note="Lengkapi datanya",
        deadline=dt.date(2026, 11, 10),
    )  # fmt: skip
    a.refresh_from_db()
    assert (a.state, a.deadline, a.reminded_at, a.escalated_at) == (
        "returned", dt.date(2026, 11, 10), None, None,
    )  # fmt: skip
    later = time_machine.travel(
        dt.datetime(2026, 11, 9, 1, 0, tzinfo=dt.UTC), tick=False
    )
    with later, django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic")
    assert LetterEvent.objects.filter(letter=letter, kind="reminded").count() == 2


def test_a_letter_nobody_disposed_is_reminded_once(
    o: SimpleNamespace, frozen, django_capture_on_commit_callbacks
) -> None:
    # Received Tuesday 3 November; Amat Segera allows one working day, Biasa five.
    urgent = register(o, subject="Undangan mendadak", urgency="amat_segera")
    normal = register(o, subject="Surat biasa", number="B/2")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic")
        call_command("run_periodic")
    reminded = LetterEvent.objects.filter(kind="reminded", disposition_id__isnull=True)
    assert list(reminded.values_list("letter_id", flat=True)) == [urgent.pk]
    assert (
        Notification.objects.filter(
            person=o.people.kadis, kind="letter.reminder"
        ).count()
        == 1
    )
    # A week later the Biasa one is due too; a disposed letter never is.
    disposition_create(
        actor=o.users.kadis, letter=register(o, number="B/3"),
        to_position_ids=[o.pos.kabid_a.pk], instructions=["Pelajari"],
    )  # fmt: skip
    later = time_machine.travel(
        dt.datetime(2026, 11, 11, 1, 0, tzinfo=dt.UTC), tick=False
    )
    with later, django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic")
    assert set(reminded.values_list("letter_id", flat=True)) == {urgent.pk, normal.pk}
