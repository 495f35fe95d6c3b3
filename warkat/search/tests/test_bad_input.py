"""Queries with operators, quotes, 1,000 words, emoji, SQL or nothing: results or a
clear message, never a 500, on the page and in the API."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from warkat.letters.tests.factories import client_for

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "   ",
    "pembangunan & | ! :* <-> ( )",
    "pembangunan AND jembatan OR NOT",
    '"pembangunan jembatan',
    '"""',
    "'; DROP TABLE letters_letter; --",
    "1' OR '1'='1",
    "🚀 pembangunan 🇮🇩",
    "🚀",
    " ".join(["pembangunan"] * 1000),
    " ".join(f"kata{i}" for i in range(1000)),
    "x" * 5000,
    "NEAR(pembangunan jembatan)",
    "pembangunan*",
    "%_\\",
    "\x00pembangunan",
    "800/123/BKPSDM/2026",
    "yang dan di",
]


@pytest.mark.parametrize("q", QUERIES)
def test_page_answers_every_query(corpus: SimpleNamespace, q: str) -> None:
    response = client_for(corpus.o.users.kadis).get(reverse("search:search"), {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize("q", QUERIES)
def test_api_answers_every_query(corpus: SimpleNamespace, q: str) -> None:
    response = client_for(corpus.o.users.kadis).get("/api/v1/search", {"q": q})
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        body = response.json()
        assert body["message"] and body["message_en"]


def test_messages_are_indonesian_and_english(corpus: SimpleNamespace) -> None:
    client = client_for(corpus.o.users.kadis)
    body = client.get("/api/v1/search", {"q": "yang dan"}).json()
    assert body["code"] == "search.no_words"
    assert "common words" in body["message_en"]
    assert body["message"] != body["message_en"]
    page = client.get(reverse("search:search"), {"q": "🚀"}).content.decode()
    assert "msg warning" in page


def test_bad_filters_are_refused(corpus: SimpleNamespace) -> None:
    client = client_for(corpus.o.users.kadis)
    assert client.get("/api/v1/search", {"q": "a", "direction": "x"}).status_code == 422
    assert (
        client.get("/api/v1/search", {"q": "anggaran", "security": "x"}).status_code
        == 422
    )
    assert (
        client.get(
            "/api/v1/search", {"q": "anggaran", "date_from": "2026-13-01"}
        ).status_code
        == 422
    )
    assert (
        client.get("/api/v1/search", {"q": "anggaran", "per_page": 10_000}).status_code
        == 422
    )
    assert client.get("/api/v1/search", {"q": "anggaran", "page": 0}).status_code == 422
    page = client.get(reverse("search:search"), {"q": "anggaran", "date_from": "x"})
    assert page.status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(db: object) -> None:
    from django.test import Client

    assert Client().get(reverse("search:search"), {"q": "surat"}).status_code == 302
    assert Client().get("/api/v1/search", {"q": "surat"}).status_code == 401


@pytest.mark.parametrize("sender", QUERIES)
def test_the_inbox_sender_filter_answers_every_text(
    corpus: SimpleNamespace, sender: str
) -> None:
    """The inbox's sender filter (read through the index) on the page and in the
    API: a list, never a 500; the secret letter never shows to an outsider."""
    for user in (corpus.o.users.kadis, corpus.o.users.tu):
        client = client_for(user)
        page = client.get(reverse("letters:inbox"), {"sender": sender})
        assert page.status_code == 200
        api = client.get("/api/v1/inbox", {"sender": sender})
        assert api.status_code in (200, 422), api.content
    page = client_for(corpus.o.users.tu).get(
        reverse("letters:inbox"), {"sender": sender}
    )
    assert "Audit investigasi" not in page.content.decode()
