"""The inbox's sender filter reads the search index (installed by the search app):
words of the sender, affixed forms included, in the user's inbox only. On
PostgreSQL a sender on more than ``FEW_SENDERS`` letters is checked letter by
letter as the inbox reads them; the answer is the same (``few`` 0 forces it)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from warkat.dispositions.services.create import disposition_create
from warkat.letters.inbox import InboxFilters, inbox_page
from warkat.letters.tests.factories import register
from warkat.search import engine

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[engine.FEW_SENDERS, 0], ids=["ids", "letter by letter"])
def few(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(engine, "FEW_SENDERS", request.param)
    return int(request.param)


def _senders(user: object, sender: str) -> list[str]:
    page = inbox_page(user=user, filters=InboxFilters(sender=sender))
    return [i.letter.sender_institution for i in page.items]


def test_the_sender_filter_matches_sender_words(o: SimpleNamespace, few: int) -> None:
    register(o, subject="Data penduduk", sender_institution="Badan Pusat Statistik")
    register(o, subject="Statistik jalan", sender_institution="Dinas Pekerjaan Umum")
    register(o, subject="Lain", sender_institution="Pembangunan Daerah")
    kadis = o.users.kadis
    with CaptureQueriesContext(connection) as queries:
        assert _senders(kadis, "statistik") == ["Badan Pusat Statistik"]
    assert any("search_" in q["sql"] for q in queries.captured_queries)
    checked = any(
        "warkat_search_sender_is" in q["sql"] for q in queries.captured_queries
    )
    assert checked == (few == 0 and connection.vendor == "postgresql")
    assert _senders(kadis, "STATISTIK pusat") == ["Badan Pusat Statistik"]
    # Affixed forms, as the search: "membangun" finds "Pembangunan".
    assert _senders(kadis, "membangun") == ["Pembangunan Daerah"]
    # Words only in the subject are not the sender.
    assert _senders(kadis, "jalan") == []
    # Only the user's own inbox: the head of another dinas sees none of them.
    assert _senders(o.users.kadinkes, "statistik") == []


def test_a_sender_text_without_words_still_filters(o: SimpleNamespace) -> None:
    register(o, subject="Tanda", sender_institution="PT & CV")
    assert _senders(o.users.kadis, "&") == ["PT & CV"]
    assert _senders(o.users.kadis, "yang") == []


def test_the_sender_filter_reads_dispositions_too(o: SimpleNamespace, few: int) -> None:
    """The Kabid's inbox holds the letter through its disposition (the filter on
    the disposition's letter), with the same answer either way."""
    bps = register(o, subject="Data", sender_institution="Badan Pusat Statistik")
    pu = register(o, subject="Jalan", sender_institution="Dinas Pekerjaan Umum")
    for letter in (bps, pu):
        disposition_create(
            actor=o.users.kadis,
            letter=letter,
            to_position_ids=[o.pos.kabid_a.pk],
            instructions=["Pelajari"],
            note="",
            deadline=dt.date(2026, 11, 10),
        )
    kabid = o.users.kabid_a
    page = inbox_page(user=kabid, filters=InboxFilters(sender="statistik"))
    assert [(i.kind, i.letter.pk) for i in page.items] == [("disposition", bps.pk)]
    page = inbox_page(user=kabid, filters=InboxFilters(sender="pekerjaan umum"))
    assert [i.letter.pk for i in page.items] == [pu.pk]
    assert _senders(kabid, "zamrud") == []
