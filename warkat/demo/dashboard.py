"""Months of generated letter history for the demo, so the command centre tells a
story: some OPD and distrik answer fast, some slowly (and leave dispositions overdue),
some never use the system. Then the figures are rebuilt from those rows and the
adoption snapshot refreshed, the way the periodic job would have kept them.

Demo only (``manage.py dashboard_demo``): rows are written in bulk with their
historic times. Letters are addressed to the head of each unit and disposed to a
position below it, as the services would have done.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from warkat.accounts.models import Role, User
from warkat.accounts.services import user_create
from warkat.dashboard.adoption import adoption_refresh
from warkat.dashboard.rebuild import figures_rebuild
from warkat.dispositions.models import Disposition
from warkat.letters.models import AgendaCounter, Letter
from warkat.org.models import Assignment, Position
from warkat.tenancy.clock import tenant_localdate, tenant_zone
from warkat.tenancy.models import Tenant

SUBJECTS = (
    "Undangan Rapat Koordinasi",
    "Permohonan Data Statistik Sektoral",
    "Penyampaian Laporan Triwulan",
    "Pemberitahuan Jadwal Monitoring",
    "Permohonan Narasumber",
    "Edaran Penyusunan Anggaran",
)
#: (share of units, letters per working day, hours to read, days to follow up,
#: share never followed up)
PROFILES = {
    "fast": (1.5, (1, 6), (0, 2), 0.03),
    "slow": (1.0, (20, 90), (3, 9), 0.35),
}


@dataclass
class HistorySummary:
    letters: int
    dispositions: int
    units: dict[str, list[str]]


def _profile(index: int) -> str:
    # Every fifth unit never uses the system; every third is slow.
    if index % 5 == 4:
        return "never"
    return "slow" if index % 3 == 2 else "fast"


def _heads_and_helpers() -> list[tuple[Position, int, int, int | None]]:
    """(head position, its holder, a subordinate position, its holder) per unit
    headed by someone — OPD and distrik alike."""
    holders = dict(
        Assignment.objects.filter(kind="definitif", end_date=None).values_list(
            "position_id", "person_id"
        )
    )
    below: dict[int, list[int]] = {}
    for pk, superior in Position.objects.filter(is_active=True).values_list(
        "pk", "superior_id"
    ):
        below.setdefault(superior, []).append(pk)
    out = []
    heads = Position.objects.filter(
        is_head=True, is_active=True, unit__depth__gte=1
    ).select_related("unit")
    for head in heads.order_by("unit__path"):
        if head.pk not in holders:
            continue
        staffed = [p for p in sorted(below.get(head.pk, [])) if p in holders]
        if not staffed:
            continue
        out.append((head, holders[head.pk], staffed[0], holders[staffed[0]]))
    return out


def _working_days(last: dt.date, days: int) -> list[dt.date]:
    first = last - dt.timedelta(days=days)
    span = [first + dt.timedelta(days=i) for i in range(days)]
    return [d for d in span if d.weekday() < 5]


@transaction.atomic
def history_generate(
    *, tenant: Tenant, days: int = 120, seed: int = 12
) -> HistorySummary:
    """Generate ``days`` of history before today in the scoped tenant."""
    rng = random.Random(seed)
    tz = tenant_zone(tenant)
    today = tenant_localdate(tenant)
    now = dt.datetime.now(tz)
    units: dict[str, list[str]] = {"fast": [], "slow": [], "never": []}
    letters = dispositions = 0
    for index, (head, head_person, sub, sub_person) in enumerate(_heads_and_helpers()):
        profile = _profile(index)
        units[profile].append(head.unit.name)
        if profile == "never":
            continue
        rate, read_h, follow_d, never = PROFILES[profile]
        counters: dict[int, AgendaCounter] = {}
        for day in _working_days(today, days):
            for _n in range(rng.randint(0, round(rate * 2))):
                sent = dt.datetime.combine(day, dt.time(rng.randint(8, 14)), tz)
                read = sent + dt.timedelta(hours=rng.uniform(*read_h))
                follow = read + dt.timedelta(days=rng.uniform(*follow_d))
                followed = rng.random() >= never and follow < now
                if read >= now:
                    continue
                year = day.year
                if year not in counters:
                    counters[year], _ = AgendaCounter.objects.get_or_create(
                        tenant=tenant, unit=head.unit, direction="incoming", year=year
                    )
                counters[year].last_number += 1
                number = counters[year].last_number
                letter = Letter.objects.create(
                    tenant=tenant, direction="incoming", unit=head.unit,
                    subject=f"{rng.choice(SUBJECTS)} ({day:%d/%m})",
                    number=f"DEMO/{head.unit.code}/{year}/{number}",
                    letter_date=day, received_date=day, sender_institution="Pemerintah Provinsi Papua",
                    addressed_position=head, agenda_year=year, agenda_number=number,
                    status="followed_up" if followed else "disposed", read_at=sent,
                )  # fmt: skip
                # ``created_at`` is set on insert; the history needs the real day.
                Letter.objects.filter(pk=letter.pk).update(created_at=sent)
                Disposition.objects.create(
                    tenant=tenant, letter=letter, from_position=head,
                    from_person_id=head_person, from_capacity="definitif",
                    to_position_id=sub, instructions=["Tindak lanjuti"],
                    deadline=day + dt.timedelta(days=7), sent_at=sent,
                    state="followed_up" if followed else "read", read_at=read,
                    read_by_id=sub_person, followed_up_at=follow if followed else None,
                    state_changed_at=follow if followed else read,
                )  # fmt: skip
                letters += 1
                dispositions += 1
        for counter in counters.values():
            counter.save(update_fields=["last_number"])
    _sign_ins(units["never"], now)
    figures_rebuild(tenant=tenant, first=today - dt.timedelta(days=days), last=today)
    adoption_refresh(tenant=tenant)
    return HistorySummary(letters, dispositions, units)


def _sign_ins(never: list[str], now: dt.datetime) -> None:
    """Recent sign-ins for the people of units that use the system."""
    users = User.objects.filter(person__isnull=False, last_login__isnull=True)
    for user in users.select_related("person"):
        units = set(
            Assignment.objects.filter(person_id=user.person_id).values_list(
                "position__unit__name", flat=True
            )
        )
        if units and not units & set(never):
            user.last_login = now - dt.timedelta(
                days=random.Random(user.pk).randint(0, 20)
            )
            user.save(update_fields=["last_login"])


def province_admin(*, province: Tenant) -> Any:
    """The province's demo administrator (``admin.<slug>``), created once."""
    username = f"admin.{province.slug}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user, _ = user_create(
            tenant=province,
            actor=None,
            username=username,
            password=settings.WARKAT_DEMO_PASSWORD,
            roles=[(Role.TENANT_ADMIN, None)],
        )
    return user
