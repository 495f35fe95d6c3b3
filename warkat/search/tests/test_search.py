"""Search over letters: Indonesian matching, exact numbers, file texts, ranking and
paging. Run on SQLite and on PostgreSQL: the same corpus must give the same hits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from warkat.dispositions.models import Disposition
from warkat.ocr.models import TextState
from warkat.search.models import SearchDoc
from warkat.search.selectors import SearchFilters, search_letters
from warkat.search.tests.conftest import NIP, file_text, followup_create, hits

pytestmark = pytest.mark.django_db


def find(c: SimpleNamespace, q: str, user: str = "kadis", **kw: object) -> set[int]:
    return hits(search_letters(user=getattr(c.o.users, user), query=q, **kw))  # type: ignore[arg-type]


def test_affixed_forms_match(corpus: SimpleNamespace) -> None:
    c = corpus
    assert find(c, "pembangunan") == {c.bangun.pk, c.membangun.pk, c.dibangun.pk}
    assert find(c, "dibangun") == {c.bangun.pk, c.membangun.pk, c.dibangun.pk}
    assert find(c, "surat") >= {c.persuratan.pk, c.scan.pk}


def test_protected_words_keep_their_meaning(corpus: SimpleNamespace) -> None:
    # "kepala" would stem to "pala": the nutmeg letter is no hit for the head.
    assert find(corpus, "pala") == {corpus.kepala.pk}


def test_numbers_and_nips_are_found_exactly(corpus: SimpleNamespace) -> None:
    c = corpus
    assert find(c, "800/123/BKPSDM/2026") == {c.bangun.pk}
    assert find(c, "800/124/bkpsdm/2026") == {c.membangun.pk}
    assert find(c, "800/125/BKPSDM/2026") == set()
    assert find(c, NIP) == {c.persuratan.pk}
    assert find(c, NIP[:-1]) == set()


def test_phrases_need_adjacent_words(corpus: SimpleNamespace) -> None:
    c = corpus
    assert find(c, '"pembangunan jembatan"') == {c.bangun.pk}
    assert find(c, '"jembatan pembangunan"') == set()


def test_file_texts_disposition_notes_and_follow_ups(corpus: SimpleNamespace) -> None:
    c = corpus
    result = search_letters(user=c.o.users.kadis, query="vaksinasi malaria")
    assert hits(result) == {c.scan.pk}
    assert result.hits[0].snippets[0].label == "file"
    assert (
        "<mark>vaksinasi</mark> <mark>malaria</mark>" in result.hits[0].snippets[0].html
    )
    assert find(c, "klarifikasi bendahara", user="kabid_a") == {c.secret.pk}
    disposition = Disposition.objects.get(letter=c.secret)
    followup_create(
        actor=c.o.users.kabid_a, disposition=disposition, text="Sudah dikonfirmasi"
    )
    assert find(c, "konfirmasi", user="kabid_a") == {c.secret.pk}
    # A later text of the same file replaces the index entry, it is not added twice.
    file_text(c.bangun, "lampiran tentang irigasi")
    assert find(c, "irigasi") == {c.bangun.pk}
    assert SearchDoc.objects.filter(letter=c.bangun).count() == 1


def test_a_scans_text_is_found_before_its_pdfa_is_made(corpus: SimpleNamespace) -> None:
    """The OCR app stores a scan's text page by page while the row is running
    (the PDF/A comes after); the text is found then, and stays found if the PDF/A
    then fails, since the text itself was read."""
    c = corpus
    row = file_text(c.bangun, "halaman pertama tentang irigasi", TextState.RUNNING)
    assert find(c, "irigasi") == {c.bangun.pk}
    row.state = TextState.FAILED
    row.save(update_fields=["state"])
    call_command("search_reindex", "--tenant", c.o.tenant.slug, stdout=None)
    assert find(c, "irigasi") == {c.bangun.pk}


def test_ranking_snippets_and_paging(corpus: SimpleNamespace) -> None:
    c = corpus
    result = search_letters(user=c.o.users.kadis, query="pembangunan", per_page=2)
    # The subject and the summary both say it: first.
    assert result.hits[0].letter.pk == c.bangun.pk
    assert result.total == 3 and result.has_next
    html = result.hits[0].snippets[0].html
    assert "<mark>Pembangunan</mark>" in html
    second = search_letters(
        user=c.o.users.kadis, query="pembangunan", page=2, per_page=2
    )
    assert len(second.hits) == 1 and not second.has_next
    assert hits(result) | hits(second) == find(c, "pembangunan")
    beyond = search_letters(user=c.o.users.kadis, query="pembangunan", page=9)
    assert beyond.hits == [] and beyond.total == 3


def test_snippets_escape_the_letter_text(o: SimpleNamespace) -> None:
    from warkat.letters.tests.factories import register

    register(o, subject="<script>alert(1)</script> tentang banjir")
    html = search_letters(user=o.users.kadis, query="banjir").hits[0].snippets[0].html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_filters(corpus: SimpleNamespace) -> None:
    c = corpus
    user = c.o.users.kadis
    assert hits(
        search_letters(
            user=user, query="anggaran", filters=SearchFilters(security="rahasia")
        )
    ) == {c.secret.pk}
    assert (
        hits(
            search_letters(
                user=user, query="anggaran", filters=SearchFilters(direction="outgoing")
            )
        )
        == set()
    )
    assert hits(
        search_letters(
            user=user, query="anggaran", filters=SearchFilters(classification="000")
        )
    ) == {c.secret.pk, c.membangun.pk}


def test_query_count_does_not_grow_with_hits(corpus: SimpleNamespace) -> None:
    from warkat.letters.tests.factories import register

    user = corpus.o.users.kadis
    user.has_role("tenant_admin")  # roles cached as on any request
    search_letters(user=user, query="anggaran")
    with CaptureQueriesContext(connection) as few:
        search_letters(user=user, query="anggaran")
    for i in range(5):
        register(corpus.o, subject=f"Anggaran belanja {i}", summary="anggaran")
    with CaptureQueriesContext(connection) as many:
        result = search_letters(user=user, query="anggaran")
    assert result.total == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_reindex_rebuilds_the_index(corpus: SimpleNamespace) -> None:
    SearchDoc.objects.all().delete()
    assert find(corpus, "pembangunan") == set()
    call_command("search_reindex", "--tenant", corpus.o.tenant.slug, stdout=None)
    assert len(find(corpus, "pembangunan")) == 3
    assert find(corpus, "vaksinasi") == {corpus.scan.pk}


def test_the_request_costs_the_same_queries_for_every_kind_of_query(
    corpus: SimpleNamespace,
) -> None:
    """A common word, a rare word, a phrase and a letter number: the API and the
    page each send the same statements whatever the query and its hits."""
    from django.urls import reverse

    from warkat.letters.tests.factories import client_for

    client = client_for(corpus.o.users.kadis)
    queries = ("anggaran", "malaria", '"pembangunan jembatan"', "800/123/BKPSDM/2026")
    for url in ("/api/v1/search", reverse("search:search")):
        client.get(url, {"q": "anggaran"})  # the session's first use
        counts = set()
        for q in queries:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, {"q": q}).status_code == 200
            counts.add(len(captured.captured_queries))
        assert len(counts) == 1, (url, counts)


def test_snippets_of_notes_dispositions_and_follow_ups_in_order(
    corpus: SimpleNamespace,
) -> None:
    """The texts besides the letter's fields come in one statement: each with its
    label, a disposition's note before its state note."""
    c = corpus
    disposition = Disposition.objects.get(letter=c.secret)
    followup_create(
        actor=c.o.users.kabid_a, disposition=disposition, text="Bendahara menjawab"
    )
    result = search_letters(user=c.o.users.kabid_a, query="bendahara")
    labels = [s.label for s in result.hits[0].snippets]
    assert labels[-2:] == ["disposition", "follow_up"], labels


def test_a_bulk_update_of_a_letter_refreshes_its_entry(
    corpus: SimpleNamespace,
) -> None:
    from warkat.letters.models import Letter

    Letter.objects.filter(pk=corpus.kepala.pk).update(subject="Irigasi sawah baru")
    assert find(corpus, "sawah") == {corpus.kepala.pk}
