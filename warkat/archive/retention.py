"""A letter's retention (JRA) from its classification code, and when it falls due.

**From which date the periods run.** Records are filed in yearly berkas that close
on 31 December, and ANRI practice counts retention from the closing of the berkas.
So both periods run from **1 January of the year after the record date**, where the
record date is the date the letter was received (incoming) or its own date
(outgoing, the signing date), falling back to the other one and then to the day it
was entered in Warkat, in the tenant's zone. A letter dated 10 March 2020 with
2 years active and 3 inactive is active until 31 December 2022, due to move to the
records centre on 1 January 2023, and due for its final fate on 1 January 2026.

The national code carries the periods; a tenant's local JRA (``TenantClassification
Code``) may override any of them. Codes without retention (grouping nodes) and
letters without a code have no retention: they are never due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from warkat.archive.models import ClassificationCode, TenantClassificationCode
from warkat.core.memo import per_action
from warkat.tenancy.scope import current_tenant


@dataclass(frozen=True)
class Retention:
    code: str
    active_years: int
    inactive_years: int
    final: str  # musnah, permanen, dinilai_kembali

    def start(self, record_date: dt.date) -> dt.date:
        return dt.date(record_date.year + 1, 1, 1)

    def active_until(self, record_date: dt.date) -> dt.date:
        """The first day past the active period (due to move)."""
        return dt.date(record_date.year + 1 + self.active_years, 1, 1)

    def inactive_until(self, record_date: dt.date) -> dt.date:
        """The first day past the inactive period (due for the final fate)."""
        years = self.active_years + self.inactive_years
        return dt.date(record_date.year + 1 + years, 1, 1)

    @property
    def total_years(self) -> int:
        return self.active_years + self.inactive_years


def record_date(letter: Any) -> dt.date:
    """The date the periods are counted from (module docstring)."""
    if letter.direction == "incoming":
        day = letter.received_date or letter.letter_date
    else:
        day = letter.letter_date or letter.received_date
    if day is None:
        day = timezone.localtime(letter.created_at).date()
    return day


def retention_for(
    code: ClassificationCode | None,
    overrides: dict[int, TenantClassificationCode] | None = None,
) -> Retention | None:
    """``code``'s retention with the tenant's local changes, or None."""
    if code is None or not code.has_retention:
        return None
    local = (overrides or {}).get(code.pk)
    active = code.retention_active_years
    inactive = code.retention_inactive_years
    final = code.final_disposition
    if local is not None:
        active = (
            local.retention_active_years
            if local.retention_active_years is not None
            else active
        )
        inactive = (
            local.retention_inactive_years
            if local.retention_inactive_years is not None
            else inactive
        )
        final = local.final_disposition or final
    assert active is not None and inactive is not None
    return Retention(
        code=code.code, active_years=active, inactive_years=inactive, final=final
    )


def tenant_overrides() -> dict[int, TenantClassificationCode]:
    """The current tenant's local retention changes by code id (inside a scope;
    read once per batch of letters, ``core.memo``)."""
    tenant = current_tenant()
    return _overrides(tenant.pk if tenant is not None else None)


@per_action
def _overrides(tenant_id: int | None) -> dict[int, TenantClassificationCode]:
    changed = (
        Q(retention_active_years__isnull=False)
        | Q(retention_inactive_years__isnull=False)
        | ~Q(final_disposition="")
    )
    return {
        row.code_id: row for row in TenantClassificationCode.objects.filter(changed)
    }
