"""The demo history: generated rows make every view tell a story and the kept
figures equal a rebuild from them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from warkat.dashboard.models import AdoptionSnapshot, UnitDay
from warkat.demo.dashboard import history_generate
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_history_has_fast_slow_and_silent_units(
    o: SimpleNamespace, frozen: Any
) -> None:
    with timezone.override("Asia/Jayapura"):
        summary = history_generate(tenant=o.tenant, days=40)
    assert summary.letters > 20 and summary.units["slow"] == ["Bidang Statistik"]
    slow = UnitDay.objects.filter(unit=o.bid_b).aggregate(Sum("disp_overdue_open"))
    fast = UnitDay.objects.filter(unit=o.bid_a).aggregate(Sum("disp_overdue_open"))
    assert slow["disp_overdue_open__sum"] > (fast["disp_overdue_open__sum"] or 0)
    assert UnitDay.objects.filter(day__lt=dt.date(2026, 10, 1)).exists()
    assert AdoptionSnapshot.objects.filter(unit__isnull=True).exists()
    page = client_for(o.users.bupati).get("/dasbor/")
    assert page.status_code == 200
    # Agenda numbers continue where the demo left them: registering still works.
    from warkat.letters.models import Letter
    from warkat.letters.tests.factories import register

    generated = Letter.objects.filter(unit=o.dinas).count()
    with timezone.override("Asia/Jayapura"):
        assert register(o, unit=o.dinas).agenda_number == generated + 1
