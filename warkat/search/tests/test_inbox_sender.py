"""The inbox's sender filter reads the search index (installed by the search app):
words of the sender, affixed forms included, in the user's inbox only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from warkat.letters.inbox import InboxFilters, inbox_page
from warkat.letters.tests.factories import register

pytestmark = pytest.mark.django_db


def _senders(user: object, sender: str) -> list[str]:
    page = inbox_page(user=user, filters=InboxFilters(sender=sender))
    return [i.letter.sender_institution for i in page.items]


def test_the_sender_filter_matches_sender_words(o: SimpleNamespace) -> None:
    register(o, subject="Data penduduk", sender_institution="Badan Pusat Statistik")
    register(o, subject="Statistik jalan", sender_institution="Dinas Pekerjaan Umum")
    register(o, subject="Lain", sender_institution="Pembangunan Daerah")
    kadis = o.users.kadis
    with CaptureQueriesContext(connection) as queries:
        assert _senders(kadis, "statistik") == ["Badan Pusat Statistik"]
    assert any("search_" in q["sql"] for q in queries.captured_queries)
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
