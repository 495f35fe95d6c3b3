"""The inbox selector: sources, filters, counters and paging."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from warkat.dispositions.services.create import disposition_create
from warkat.dispositions.services.reading import disposition_read
from warkat.letters.inbox import InboxFilters, inbox_counters, inbox_page
from warkat.letters.services.addressee import letter_read
from warkat.letters.tests.factories import register

pytestmark = pytest.mark.django_db


def _subjects(o, user, **kw) -> list[str]:
    return [
        i.letter.subject
        for i in inbox_page(user=user, filters=InboxFilters(**kw)).items
    ]


def test_filters_and_counters(o: SimpleNamespace, frozen) -> None:
    a = register(o, subject="A biasa", sender_institution="Bappeda")
    frozen.shift(dt.timedelta(minutes=1))
    b = register(o, subject="B segera", urgency="segera", sender_institution="BPS")
    frozen.shift(dt.timedelta(minutes=1))
    c = register(
        o, subject="C terbatas", security="terbatas", sender_institution="Dinkes"
    )
    kadis = o.users.kadis
    assert _subjects(o, kadis) == ["C terbatas", "B segera", "A biasa"]
    assert _subjects(o, kadis, urgency="segera") == ["B segera"]
    assert _subjects(o, kadis, security="terbatas") == ["C terbatas"]
    assert _subjects(o, kadis, sender="bps") == ["B segera"]
    assert inbox_counters(user=kadis) == {
        "unread": 3,
        "pending": 0,
        "overdue": 0,
        "awaiting": 0,
        "copies": 0,
    }
    letter_read(actor=kadis, letter=a)
    assert inbox_counters(user=kadis) == {
        "unread": 2,
        "pending": 1,
        "overdue": 0,
        "awaiting": 0,
        "copies": 0,
    }
    assert _subjects(o, kadis, state="pending") == ["A biasa"]

    frozen.shift(dt.timedelta(minutes=1))
    (d,) = disposition_create(
        actor=kadis,
        letter=b,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Pelajari"],
        deadline=dt.date(2026, 11, 5),
    )
    kabid = o.users.kabid_a
    page = inbox_page(user=kabid)
    assert [(i.kind, i.letter.subject) for i in page.items] == [
        ("disposition", "B segera")
    ]
    assert page.counters == {
        "unread": 1,
        "pending": 0,
        "overdue": 0,
        "awaiting": 0,
        "copies": 0,
    }
    assert _subjects(o, kabid, kind="letters") == []
    disposition_read(actor=kabid, disposition=d)
    assert inbox_counters(user=kabid) == {
        "unread": 0,
        "pending": 1,
        "overdue": 0,
        "awaiting": 0,
        "copies": 0,
    }
    frozen.shift(dt.timedelta(days=2))
    assert inbox_counters(user=kabid)["overdue"] == 1
    assert _subjects(o, kabid, state="overdue") == ["B segera"]
    assert _subjects(o, kabid, date_from=dt.date(2026, 11, 5)) == []
    assert _subjects(
        o, kabid, date_from=dt.date(2026, 11, 4), date_to=dt.date(2026, 11, 4)
    ) == ["B segera"]
    # Another unit's filter hides them; nobody else sees them.
    assert _subjects(o, kabid, unit_id=o.other.pk) == []
    assert inbox_page(user=o.users.outsider).items == []
    assert c.pk


def test_paging(o: SimpleNamespace, frozen) -> None:
    for i in range(5):
        frozen.shift(dt.timedelta(minutes=1))
        register(o, subject=f"Surat {i}", number=f"P/{i}", files=[])
    first = inbox_page(user=o.users.kadis, page=1, per_page=2)
    second = inbox_page(user=o.users.kadis, page=2, per_page=2)
    third = inbox_page(user=o.users.kadis, page=3, per_page=2)
    assert [i.letter.subject for i in first.items] == [
        "Surat 4",
        "Surat 3",
    ] and first.has_next
    assert [i.letter.subject for i in second.items] == ["Surat 2", "Surat 1"]
    assert [i.letter.subject for i in third.items] == ["Surat 0"] and not third.has_next


def test_counters_stop_at_the_cap(o: SimpleNamespace, frozen, monkeypatch) -> None:
    from warkat.letters import inbox

    monkeypatch.setattr(inbox, "COUNTER_CAP", 2)
    for i in range(2):
        register(o, subject=f"Surat {i}", number=f"C/{i}", files=[])
    kadis = o.users.kadis
    assert inbox_counters(user=kadis)["unread"] == 2
    assert inbox.counter_label(2) == "2"
    register(o, subject="Surat 2", number="C/2", files=[])
    register(o, subject="Surat 3", number="C/3", files=[])
    # Four unread letters: counted to cap + 1 and shown as "2+".
    assert inbox_counters(user=kadis) == {
        "unread": 3,
        "pending": 0,
        "overdue": 0,
        "awaiting": 0,
        "copies": 0,
    }
    assert inbox_page(user=kadis).counter_labels == {
        "unread": "2+",
        "pending": "0",
        "overdue": "0",
        "awaiting": "0",
        "copies": "0",
    }


def test_dispositions_i_sent_and_those_awaiting_my_decision(
    o: SimpleNamespace, frozen
) -> None:
    from warkat.dispositions.services.closing import disposition_decline
    from warkat.dispositions.services.followup import followup_create

    letter = register(o, subject="Permintaan data")
    a, b = disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk, o.pos.kabid_b.pk],
        instructions=["Pelajari"],
    )
    kadis = o.users.kadis
    sent = inbox_page(user=kadis, filters=InboxFilters(kind="sent"))
    assert sorted(
        (i.kind, i.disposition.to_position_id) for i in sent.items if i.disposition
    ) == [
        ("sent", o.pos.kabid_a.pk),
        ("sent", o.pos.kabid_b.pk),
    ]
    assert not any(i.is_unread for i in sent.items)
    assert inbox_counters(user=kadis)["awaiting"] == 0
    followup_create(actor=o.users.kabid_a, disposition=a, text="Data terlampir")
    disposition_read(actor=o.users.kabid_b, disposition=b)
    disposition_decline(actor=o.users.kabid_b, disposition=b, reason="Bukan bidang")
    assert inbox_counters(user=kadis)["awaiting"] == 2
    awaiting = inbox_page(
        user=kadis, filters=InboxFilters(kind="sent", state="awaiting")
    )
    assert {i.disposition.pk for i in awaiting.items if i.disposition} == {a.pk, b.pk}
    # Nobody else sees them as sent, and the recipients' own view is unchanged.
    assert (
        inbox_page(user=o.users.kabid_a, filters=InboxFilters(kind="sent")).items == []
    )
    assert inbox_counters(user=o.users.kabid_a)["awaiting"] == 0


def test_sent_view_in_the_page_and_api(o: SimpleNamespace, frozen) -> None:
    from django.test import Client

    letter = register(o, subject="Undangan rapat koordinasi")
    disposition_create(
        actor=o.users.kadis,
        letter=letter,
        to_position_ids=[o.pos.kabid_a.pk],
        instructions=["Hadiri/Wakili"],
    )
    c = Client()
    c.force_login(o.users.kadis)
    page = c.get("/surat/masuk/?kind=sent").content.decode()
    assert "Undangan rapat koordinasi" in page and "Kepada" in page
    data = c.get("/api/v1/inbox?kind=sent").json()
    (item,) = data["items"]
    assert item["kind"] == "sent"
    assert item["to_position_name"] == o.pos.kabid_a.name
    assert data["counters"]["awaiting"] == 0
