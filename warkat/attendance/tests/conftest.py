"""Attendance tests: the letters test organisation (Kominfo with two bidang), an
office location for the dinas, and frozen time (Wednesday 4 November 2026)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine

from warkat.attendance.models import WorkLocation
from warkat.letters.samples import sample_pdf

# Every attendance test stores files (selfies) in a temporary folder.
from warkat.letters.tests.conftest import media  # noqa: F401
from warkat.letters.tests.factories import build_org

WIT = dt.timezone(dt.timedelta(hours=9))
#: Wednesday 4 November 2026, 07:20 WIT: before work starts.
MORNING = dt.datetime(2026, 11, 4, 7, 20, tzinfo=WIT)
#: The Kominfo office in Arso.
OFFICE = (-2.934560, 140.787010)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def o(in_tenant: Any, clock: Any) -> SimpleNamespace:
    built = build_org(in_tenant)
    built.office = WorkLocation.objects.create(
        tenant=in_tenant,
        unit=built.dinas,
        name="Kantor Dinas Kominfo Arso",
        latitude=Decimal(str(OFFICE[0])),
        longitude=Decimal(str(OFFICE[1])),
        radius_m=100,
    )
    built.clock = clock
    return built


#: A doctor's note as the API takes it.
NOTE_PDF = sample_pdf(["Surat keterangan dokter", "Istirahat 2 hari"])
NOTE = {
    "filename": "surat-dokter.pdf",
    "content_base64": base64.b64encode(NOTE_PDF).decode(),
}


def at(hour: int, minute: int = 0, day: int = 4) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=WIT)
