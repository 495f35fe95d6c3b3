"""Instruction behaviour (reference §3.1, §3.3): "Untuk diketahui" settles on reading,
"Laporkan hasilnya" needs a report before closing; closing settles what is below;
the default deadline follows the urgency; a withdrawn disposition grants nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from warkat.core.errors import Conflict, ValidationError
from warkat.dispositions.models import Disposition
from warkat.dispositions.services.closing import (
    disposition_cancel,
    disposition_close,
    disposition_decline,
)
from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.followup import followup_create
from warkat.dispositions.services.reading import disposition_read
from warkat.dispositions.settings_services import instruction_behaviour_set
from warkat.letters.access import Access, letter_access
from warkat.letters.models import LetterEvent
from warkat.letters.tests.factories import client_for, register

pytestmark = pytest.mark.django_db


def _dispose(o, letter, to, instructions, actor=None, parent=None, **kw):
    return disposition_create(
        actor=actor or o.users.kadis,
        letter=letter,
        parent=parent,
        to_position_ids=[p.pk for p in to],
        instructions=instructions,
        **kw,
    )


def test_for_information_has_no_deadline_and_closes_when_read(
    o: SimpleNamespace,
) -> None:
    letter = register(o)
    (d,) = _dispose(
        o,
        letter,
        [o.pos.kabid_a],
        ["Untuk diketahui"],
        deadline=dt.date(2026, 11, 20),
    )
    assert d.for_information and d.deadline is None
    # Opening the letter page is the read.
    client_for(o.users.kabid_a).get(reverse("letters:detail", args=[letter.pk]))
    d.refresh_from_db()
    assert d.state == "closed" and d.read_at is not None
    assert "Untuk diketahui" in d.state_note
    letter.refresh_from_db()
    assert letter.status == "done"
    assert LetterEvent.objects.filter(letter=letter, kind="closed").count() == 1


def test_mixed_instructions_get_the_urgency_deadline(o: SimpleNamespace) -> None:
    letter = register(o, urgency="segera")
    (d,) = _dispose(o, letter, [o.pos.kabid_a], ["Untuk diketahui", "Pelajari"])
    assert not d.for_information
    # Segera: two working days from Wednesday 4 November 2026.
    assert d.deadline == dt.date(2026, 11, 6)
    disposition_read(actor=o.users.kabid_a, disposition=d)
    d.refresh_from_db()
    assert d.state == "read"


def test_report_required_before_closing(o: SimpleNamespace) -> None:
    letter = register(o)
    (d,) = _dispose(o, letter, [o.pos.kabid_a], ["Laporkan hasilnya"])
    assert d.report_required
    disposition_decline(actor=o.users.kabid_a, disposition=d, reason="Salah alamat")
    with pytest.raises(Conflict) as err:
        disposition_close(actor=o.users.kadis, disposition=d, note="Selesai")
    assert err.value.code == "disposition.report_required"
    d.refresh_from_db()
    assert d.state == "declined"

    # A report anywhere below counts.
    other = register(o, number="LH/2")
    (top,) = _dispose(o, other, [o.pos.kabid_a], ["Laporkan hasilnya"])
    (child,) = _dispose(
        o, other, [o.pos.staf_a], ["Tindak lanjuti"], actor=o.users.kabid_a, parent=top
    )
    followup_create(actor=o.users.staf_a, disposition=child, text="Laporan terlampir")
    disposition_close(actor=o.users.kadis, disposition=top, note="Diterima")
    top.refresh_from_db()
    assert top.state == "closed"


def test_closing_settles_what_is_open_below(o: SimpleNamespace) -> None:
    letter = register(o)
    (top,) = _dispose(o, letter, [o.pos.sekdis], ["Tindak lanjuti"])
    read_child, declined_child = _dispose(
        o,
        letter,
        [o.pos.tu, o.pos.outsider],
        ["Pelajari"],
        actor=o.users.sekdis,
        parent=top,
    )
    disposition_read(actor=o.users.tu, disposition=read_child)
    disposition_read(actor=o.users.outsider, disposition=declined_child)
    disposition_decline(
        actor=o.users.outsider, disposition=declined_child, reason="Cuti"
    )
    (top_b,) = _dispose(o, letter, [o.pos.kabid_a], ["Tindak lanjuti"])
    (unread_child,) = _dispose(
        o, letter, [o.pos.staf_a], ["Pelajari"], actor=o.users.kabid_a, parent=top_b
    )
    followup_create(actor=o.users.sekdis, disposition=top, text="Sudah ditangani")
    followup_create(actor=o.users.kabid_a, disposition=top_b, text="Sudah")
    with pytest.raises(ValidationError):
        disposition_close(actor=o.users.kadis, disposition=top, note="  ")
    disposition_close(actor=o.users.kadis, disposition=top, note="Terima kasih")
    disposition_close(actor=o.users.kadis, disposition=top_b, note="Baik")
    states = dict(Disposition.objects.filter(letter=letter).values_list("pk", "state"))
    assert states == {
        top.pk: "closed",
        read_child.pk: "closed",
        declined_child.pk: "declined",
        top_b.pk: "closed",
        unread_child.pk: "cancelled",  # never read: withdrawn
    }
    read_child.refresh_from_db()
    assert read_child.state_changed_by_id == o.people.kadis.pk
    assert "bersama" in read_child.state_note or "together" in read_child.state_note
    letter.refresh_from_db()
    assert letter.status == "done"


def test_withdrawn_disposition_gives_no_access_to_a_secret_letter(
    o: SimpleNamespace,
) -> None:
    letter = register(o, subject="Laporan investigasi RAHASIA", security="rahasia")
    (d,) = _dispose(o, letter, [o.pos.kabid_b], ["Pelajari"])
    kabid_b = client_for(o.users.kabid_b)
    api = f"/api/v1/letters/{letter.pk}"
    # (Opening it would read it, and a read disposition can no longer be withdrawn.)
    assert letter_access(o.users.kabid_b, letter) == Access.FULL
    disposition_cancel(actor=o.users.kadis, disposition=d)
    assert kabid_b.get(api).status_code == 404
    page = kabid_b.get(reverse("letters:detail", args=[letter.pk]))
    assert page.status_code == 404 and b"investigasi" not in page.content


def test_admin_sets_the_behaviour(o: SimpleNamespace) -> None:
    admin = client_for(o.users.admin)
    url = "/api/v1/instructions/behaviour"
    assert admin.get(url).json() == {
        "closes_on_read": ["Untuk diketahui"],
        "requires_report": ["Laporkan hasilnya"],
    }
    body = {"closes_on_read": ["Untuk diketahui", "Arsipkan"], "requires_report": []}
    r = admin.put(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json() == body
    bad = admin.put(
        url,
        {"closes_on_read": ["Pelajari"], "requires_report": ["Pelajari"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert (
        admin.put(
            url,
            {"closes_on_read": ["Tidak ada"], "requires_report": []},
            content_type="application/json",
        ).status_code
        == 422
    )
    assert (
        client_for(o.users.kadis)
        .put(url, body, content_type="application/json")
        .status_code
        == 403
    )
    letter = register(o)
    (d,) = _dispose(o, letter, [o.pos.kabid_a], ["Arsipkan"])
    assert d.for_information
    # The settings page shows and saves the same.
    page = admin.get("/disposisi/pengaturan/").content.decode()
    assert "Perilaku instruksi" in page
    r = admin.post(
        "/disposisi/pengaturan/",
        {"action": "behaviour", "requires_report": ["Laporkan hasilnya"]},
    )
    assert r.status_code == 302
    with pytest.raises(ValidationError):
        instruction_behaviour_set(
            actor=o.users.admin,
            tenant=o.tenant,
            closes_on_read=["X"],
            requires_report=[],
        )
