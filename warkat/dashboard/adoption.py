"""Monitoring the adoption of the e-office (monev): per reporting unit (OPD, distrik,
kampung) of a tenant — accounts and their use, letters through the system or from
paper, outgoing letters signed with TTE, signers with a certificate, units that never
signed in.

Each tenant's figures are written into its own ``AdoptionSnapshot`` rows by the
periodic job (inside the tenant's scope). A host province reads those rows — and only
those — across its hosted tenants through ``adoption_for_host``: the one deliberate
cross-tenant read of the command centre, audited in the province's log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from warkat.accounts.selectors import accounts_of_people
from warkat.dashboard.models import AdoptionSnapshot, UnitDay
from warkat.org.selectors import assignments_overlapping, position_links, units_filter
from warkat.signing.selectors import certified_people
from warkat.tenancy.clock import tenant_localdate
from warkat.tenancy.models import Tenant

#: The adoption window: accounts active and letters counted over the last 30 days.
WINDOW_DAYS = 30
#: Units reported on their own; everything else counts for its nearest such ancestor.
REPORTING_KINDS = frozenset(
    {
        "setda",
        "setwan",
        "inspektorat",
        "dinas",
        "badan",
        "kecamatan",
        "kelurahan",
        "desa",
    }
)
_COUNTERS = (
    "accounts",
    "accounts_active_30d",
    "letters_in_system",
    "letters_in_paper",
    "letters_out",
    "letters_out_tte",
    "signers",
    "signers_certified",
)


@dataclass
class _Row:
    unit: Any
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_COUNTERS, 0))
    signed_in_ever: bool = False


def _reporting_unit(units: dict[int, Any]) -> dict[int, int]:
    """Unit id → id of the reporting unit it counts for (root for the rest)."""
    out: dict[int, int] = {}
    for unit in units.values():
        chain = [int(p) for p in unit.path.split("/") if p]
        target = chain[0]
        for pk in reversed(chain):
            if pk in units and units[pk].kind in REPORTING_KINDS:
                target = pk
                break
        out[unit.pk] = target
    return out


def adoption_compute(*, tenant: Tenant, today: dt.date) -> list[_Row]:
    """The scoped tenant's adoption rows: one per reporting unit, then the total."""
    units = {u.pk: u for u in units_filter(active=None)}
    reporting = _reporting_unit(units)
    rows: dict[int, _Row] = {}
    for pk in sorted(set(reporting.values()), key=lambda pk: units[pk].path):
        rows[pk] = _Row(units[pk])
    # People → the reporting unit of a position they hold today.
    person_units: dict[int, set[int]] = defaultdict(set)
    heads: set[int] = set()
    head_positions = {pk for pk, _s, _u, is_head in position_links() if is_head}
    for person_id, position_id, unit_id, _start, _end in assignments_overlapping(
        first=today, last=today
    ):
        if unit_id in reporting:
            person_units[person_id].add(reporting[unit_id])
        if position_id in head_positions:
            heads.add(person_id)
    since = timezone.now() - dt.timedelta(days=WINDOW_DAYS)
    for person_id, last_login in accounts_of_people(tenant=tenant):
        for target in person_units.get(person_id, ()):
            rows[target].counts["accounts"] += 1
            if last_login is not None:
                rows[target].signed_in_ever = True
                if last_login >= since:
                    rows[target].counts["accounts_active_30d"] += 1
    certified = set(certified_people())
    for person_id in heads:
        for target in person_units.get(person_id, ()):
            rows[target].counts["signers"] += 1
            if person_id in certified:
                rows[target].counts["signers_certified"] += 1
    first = today - dt.timedelta(days=WINDOW_DAYS - 1)
    for unit_id, n_in, n_paper, n_tte, n_paper_out in (
        UnitDay.objects.filter(day__gte=first, day__lte=today)
        .order_by()
        .values_list(
            "unit_id", "letters_in", "letters_in_paper", "signed_tte", "numbered_paper"
        )
    ):
        row = rows.get(reporting.get(unit_id, -1))
        if row is None:
            continue
        row.counts["letters_in_system"] += n_in - n_paper
        row.counts["letters_in_paper"] += n_paper
        row.counts["letters_out"] += n_tte + n_paper_out
        row.counts["letters_out_tte"] += n_tte
    return list(rows.values())


@transaction.atomic
def adoption_refresh(*, tenant: Tenant) -> int:
    """Replace the scoped tenant's adoption snapshot; returns the number of rows."""
    today = tenant_localdate(tenant)
    rows = adoption_compute(tenant=tenant, today=today)
    now = timezone.now()
    AdoptionSnapshot.objects.all().delete()
    total = dict.fromkeys(_COUNTERS, 0)
    snapshots = []
    for row in rows:
        for key, value in row.counts.items():
            total[key] += value
        snapshots.append(
            AdoptionSnapshot(
                tenant=tenant,
                unit=row.unit,
                unit_name=row.unit.name,
                unit_kind=row.unit.kind,
                never_logged_in=not row.signed_in_ever,
                as_of=today,
                refreshed_at=now,
                **row.counts,
            )
        )
    snapshots.append(
        AdoptionSnapshot(
            tenant=tenant,
            unit=None,
            never_logged_in=not any(r.signed_in_ever for r in rows),
            as_of=today,
            refreshed_at=now,
            **total,
        )
    )
    AdoptionSnapshot.objects.bulk_create(snapshots)
    return len(snapshots)
