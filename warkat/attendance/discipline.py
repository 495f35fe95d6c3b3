"""PP 94/2021 discipline alerts: days absent without reason in the year, and in a
row. A threshold reached alerts the superior and the personnel office once (never
an automatic punishment: they decide)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from warkat.accounts.models import Role
from warkat.accounts.selectors import role_person_ids
from warkat.attendance.models import DisciplineAlert
from warkat.attendance.schedule import ScheduleBook, attendance_settings, local_today
from warkat.attendance.status import DayStatus, days_of
from warkat.notify.services import notice_send
from warkat.org.selectors import current_positions, holders_of, people_filter
from warkat.tenancy.models import Tenant


@dataclass(frozen=True)
class Absence:
    total: int  # days without reason this year
    in_a_row: int  # the longest run of working days without reason


def absences_count(
    days: dict[dt.date, object], since: dt.date | None = None
) -> Absence:
    """Days without reason from ``since`` (the year's first day), and the longest
    run reaching into that span: a run begun in December counts in January."""
    total = run = longest = 0
    for day in sorted(days):
        status = getattr(days[day], "status", "")
        if status == DayStatus.LIBUR:
            continue  # weekends and holidays do not break a run
        if status == DayStatus.TK:
            run += 1
            if since is None or day >= since:
                total += 1
                longest = max(longest, run)
        else:
            run = 0
    return Absence(total, longest)


def discipline_check(*, tenant: Tenant, today: dt.date | None = None) -> int:
    """Alert every threshold newly reached this year up to yesterday; returns the
    number of alerts (inside the tenant's scope)."""
    today = today or local_today(tenant)
    first = dt.date(today.year, 1, 1)
    last = today - dt.timedelta(days=1)
    if last < first:
        return 0
    rules = attendance_settings(tenant)
    # A run of days without reason may begin last year (PP 94/2021 Pasal 15(2)
    # counts working days in a row, not within a calendar year).
    start = first - dt.timedelta(days=2 * rules.consecutive_alert_days + 14)
    steps = sorted((int(d), str(s)) for d, s in rules.discipline_steps)
    people = list(people_filter())
    held = current_positions(person_ids={p.pk for p in people}, on=today)
    paths = {
        p.pk: held[p.pk][0].position.unit.path if held[p.pk] else "" for p in people
    }
    book = ScheduleBook(tenant, start, last)
    end_of_last = dt.datetime.combine(today, dt.time.min, tzinfo=book.tz)
    days = days_of(book=book, people=paths, start=start, end=last, now=end_of_last)
    done = set(
        DisciplineAlert.objects.filter(year=today.year).values_list(
            "person_id", "threshold"
        )
    )
    office = role_person_ids(tenant_id=tenant.pk, role=Role.KEPEGAWAIAN)
    made = 0
    for person in people:
        counted = absences_count(days[person.pk], first)  # type: ignore[arg-type]
        reached = [(f"days:{d}", d, step) for d, step in steps if counted.total >= d]
        if counted.in_a_row >= rules.consecutive_alert_days:
            reached.append(
                (
                    f"consecutive:{rules.consecutive_alert_days}",
                    counted.in_a_row,
                    "pemberhentian (tidak masuk kerja berturut-turut)",
                )
            )
        new = [r for r in reached if (person.pk, r[0]) not in done]
        if not new:
            continue
        for key, n, step in new:
            DisciplineAlert.objects.create(
                tenant=tenant, person=person, year=today.year, threshold=key,
                days=n, step=step, created_at=timezone.now(),
            )  # fmt: skip
            made += 1
        superiors = {
            a.position.superior_id for a in held[person.pk] if a.position.superior_id
        }
        recipients = (holders_of(position_ids=superiors, on=today) | office) - {
            person.pk
        }
        with translation.override("id"):
            notice_send(
                tenant_id=tenant.pk,
                person_ids=recipients,
                kind="attendance.discipline",
                title=_("Discipline alert: %(name)s") % {"name": person.display_name},
                body=_(
                    "%(total)s days absent without reason in %(year)s "
                    "(%(row)s in a row). PP 94/2021: %(step)s."
                )
                % {
                    "total": counted.total,
                    "year": today.year,
                    "row": counted.in_a_row,
                    "step": "; ".join(r[2] for r in new),
                },
                url="/absen/rekap/",
            )
    return made
