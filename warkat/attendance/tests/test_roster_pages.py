"""The shift roster page: the month grid edited by the unit's head or the
personnel office, the CSV import naming every bad row, one's own roster, and
nobody else editing (another unit, another tenant)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from warkat.attendance.models import RosterEntry, Shift
from warkat.letters.tests.factories import client_for
from warkat.org.tests import factories as org
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

URL = "/absen/jadwal-shift/"
DAY = dt.date(2026, 11, 10)


@pytest.fixture
def shifts(o: Any) -> dict[str, Shift]:
    return {
        name: Shift.objects.create(tenant=o.tenant, name=name, start=s, end=e)
        for name, s, e in [
            ("Pagi", dt.time(7), dt.time(14)),
            ("Malam", dt.time(21), dt.time(7)),
        ]
    }


def grid_url(o: Any, unit: Any) -> str:
    return f"{URL}?unit={unit.pk}&month=2026-11"


def cell(o: Any, key: str, day: dt.date = DAY) -> str:
    return f"c-{getattr(o.people, key).pk}-{day.isoformat()}"


def test_head_of_unit_sees_and_edits_the_month_grid(o: Any, shifts: Any) -> None:
    client = client_for(o.users.kabid_a)
    page = client.get(grid_url(o, o.bid_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        cell(o, "staf_a") in html and cell(o, "staf_a", dt.date(2026, 11, 30)) in html
    )
    assert "absen-scroll" in html  # the grid scrolls sideways on a phone
    res = client.post(
        URL,
        {"unit": o.bid_a.pk, "month": "2026-11", cell(o, "staf_a"): "Malam",
         cell(o, "staf_a", DAY + dt.timedelta(days=1)): "-"},
    )  # fmt: skip
    assert res.status_code == 302
    entries = {e.day: e.shift for e in RosterEntry.objects.all()}
    assert entries == {DAY: shifts["Malam"], DAY + dt.timedelta(days=1): None}
    html = client.get(grid_url(o, o.bid_a)).content.decode()
    assert '<option value="Malam" selected>' in html
    # Emptying a cell gives the day back to the unit's working hours.
    client.post(URL, {"unit": o.bid_a.pk, "month": "2026-11", cell(o, "staf_a"): ""})
    assert list(RosterEntry.objects.values_list("day", flat=True)) == [
        DAY + dt.timedelta(days=1)
    ]


def test_personnel_office_edits_any_unit(o: Any, shifts: Any) -> None:
    bkpsdm = org.user(o.tenant, "kepegawaian", username="bkpsdm")
    res = client_for(bkpsdm).post(
        URL, {"unit": o.bid_b.pk, "month": "2026-11", cell(o, "staf_b"): "Pagi"}
    )
    assert res.status_code == 302
    assert RosterEntry.objects.get().shift == shifts["Pagi"]


@pytest.mark.parametrize("who", ["kabid_b", "staf_a", "tu"])
def test_others_may_not_see_or_edit_the_units_grid(
    o: Any, shifts: Any, who: str
) -> None:
    client = client_for(getattr(o.users, who))
    assert client.get(grid_url(o, o.bid_a)).status_code == 403
    res = client.post(
        URL, {"unit": o.bid_a.pk, "month": "2026-11", cell(o, "staf_a"): "Pagi"}
    )
    assert res.status_code == 403
    assert not RosterEntry.objects.exists()


def test_another_tenant_finds_no_unit(o: Any, other_tenant: Any) -> None:
    with tenant_scope(other_tenant):
        stranger = org.user(other_tenant, "kepegawaian", username="bkpsdm.gtlo")
    assert client_for(stranger).get(grid_url(o, o.bid_a)).status_code == 404


def test_person_sees_their_own_roster(o: Any, shifts: Any) -> None:
    RosterEntry.objects.create(
        tenant=o.tenant, person=o.people.staf_a, day=DAY, shift=shifts["Malam"]
    )
    page = client_for(o.users.staf_a).get(f"{URL}?month=2026-11")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Malam 21:00\u201307:00" in html
    assert "Simpan jadwal sif" not in html  # no grid to edit
    other = client_for(o.users.staf_b).get(f"{URL}?month=2026-11").content.decode()
    assert "Malam 21:00" not in other


def _csv(o: Any, client: Any, text: str, unit: Any) -> Any:
    upload = SimpleUploadedFile("jadwal.csv", text.encode(), "text/csv")
    return client.post(
        URL, {"unit": unit.pk, "month": "2026-11", "action": "import", "file": upload}
    )


def test_csv_import_names_every_bad_row_and_writes_nothing(o: Any, shifts: Any) -> None:
    nip = o.people.staf_a.nip
    text = (
        "nip,tanggal,sif\n"
        f"{nip},2026-11-10,Pagi\n"
        f"{nip},10/11/2026,Pagi\n"  # line 3: date
        "000,2026-11-11,Pagi\n"  # line 4: unknown person
        f"{nip},2026-11-12,Siang\n"  # line 5: unknown shift
        f"{nip},2026-11-10,Malam\n"  # line 6: same day twice
        f"{o.people.staf_b.nip},2026-11-10,Pagi\n"  # line 7: another unit's person
    )
    res = _csv(o, client_for(o.users.kabid_a), text, o.bid_a)
    html = res.content.decode()
    assert res.status_code == 200
    for line, text_id in [
        (3, "tanggal bukan berformat"), (4, "NIP tidak dikenal"), (5, "sif tidak dikenal"),
        (6, "pegawai dan tanggal yang sama"), (7, "NIP tidak dikenal"),
    ]:  # fmt: skip
        assert f"Baris {line}: {text_id}" in html
    assert "Baris 2:" not in html
    assert not RosterEntry.objects.exists()


def test_csv_import_of_good_rows(o: Any, shifts: Any) -> None:
    nip = o.people.staf_a.nip
    text = f"{nip},2026-11-10,Pagi\n{nip},2026-11-11,-\n"
    res = _csv(o, client_for(o.users.kabid_a), text, o.bid_a)
    assert res.status_code == 302
    entries = {e.day: e.shift for e in RosterEntry.objects.all()}
    assert entries == {DAY: shifts["Pagi"], DAY + dt.timedelta(days=1): None}
