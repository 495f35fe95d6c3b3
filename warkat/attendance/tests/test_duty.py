"""A signed Surat Tugas makes the people it names Dinas Luar for its dates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from warkat.attendance.tests.conftest import at
from warkat.letters.tests.conftest import media  # noqa: F401 (files of the signed PDF)
from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db


def _board(o: Any) -> dict[str, str]:
    res = client_for(o.users.kadis).get(f"/api/v1/attendance/today?unit={o.dinas.pk}")
    assert res.status_code == 200, res.content
    return {r["name"]: r["day"]["status"] for r in res.json()["people"]}


def test_signed_surat_tugas_makes_its_people_dinas_luar(o: Any) -> None:
    from warkat.drafting.sending import letter_sign
    from warkat.drafting.tests.factories import (
        PASSPHRASE,
        approved,
        naskah,
        otp,
        signer_ready,
    )

    d = approved(
        o,
        naskah_type=naskah(o.tenant, "surat-tugas"),
        subject="Surat Tugas pendataan di Distrik Waris",
        duty_person_ids=[o.people.staf_a.pk, o.people.staf_b.pk],
        duty_start=dt.date(2026, 11, 5),
        duty_end=dt.date(2026, 11, 6),
    )
    o.clock.move_to(at(9, 0, day=5))
    # Approved but not signed yet: not on duty.
    assert _board(o)["Pranata Komputer Orang"] == "belum"
    letter_sign(actor=signer_ready(o), draft=d, passphrase=PASSPHRASE, otp=otp(o.clock))
    board = _board(o)
    assert board["Pranata Komputer Orang"] == "dinas_luar"
    assert board["Statistisi Orang"] == "dinas_luar"
    assert board["Analis Kebijakan Orang"] == "belum"


def _draft_body(o: Any, **kw: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "naskah_type": "surat-tugas",
        "subject": "Surat Tugas monitoring",
        "signer_position_id": o.pos.kadis.pk,
        "duty_person_ids": [o.people.staf_a.pk],
        "duty_start": "2026-11-05",
        "duty_end": "2026-11-06",
    }
    body.update(kw)
    return body


@pytest.mark.parametrize(
    "change",
    [
        {"naskah_type": "surat-dinas"},
        {"duty_end": "2026-11-01"},
        {"duty_end": None},
        {"duty_person_ids": [10**9]},
    ],
)
def test_duty_fields_are_checked(o: Any, change: dict[str, Any]) -> None:
    res = client_for(o.users.staf_a).post(
        "/api/v1/letters/outgoing",
        data=json.dumps(_draft_body(o, **change)),
        content_type="application/json",
    )
    assert res.status_code == 422, res.content


def test_duty_fields_are_kept_on_the_draft(o: Any) -> None:
    res = client_for(o.users.staf_a).post(
        "/api/v1/letters/outgoing",
        data=json.dumps(_draft_body(o)),
        content_type="application/json",
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["duty_person_ids"] == [o.people.staf_a.pk]
    assert body["duty_start"] == "2026-11-05"


def test_editing_a_surat_tugas_on_the_page_keeps_its_people_and_dates(o: Any) -> None:
    from warkat.drafting.tests.factories import draft, naskah

    d = draft(
        o,
        naskah_type=naskah(o.tenant, "surat-tugas"),
        duty_person_ids=[o.people.staf_b.pk],
        duty_start=dt.date(2026, 11, 9),
        duty_end=dt.date(2026, 11, 9),
    )
    c = client_for(o.users.staf_a)
    page = c.get(f"/naskah/{d.letter_id}/ubah/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["subject"] = "Surat Tugas (diubah)"
    res = c.post(f"/naskah/{d.letter_id}/ubah/", data)
    assert res.status_code == 302, res.content
    d.refresh_from_db()
    assert d.letter.subject == "Surat Tugas (diubah)"
    assert d.duty_person_ids == [o.people.staf_b.pk]
    assert d.duty_end == dt.date(2026, 11, 9)
