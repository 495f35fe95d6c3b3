"""A letter the user may not read is never a hit, a count or a snippet: per role,
per tenant, on the page and in the API."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from warkat.letters.tests.factories import client_for
from warkat.search.selectors import search_letters
from warkat.search.tests.conftest import hits
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("penyimpangan hibah", "klarifikasi bendahara", "investigasi")


@pytest.mark.parametrize("role", ["kadis", "kabid_a"])
def test_chain_members_find_the_secret_letter(
    corpus: SimpleNamespace, role: str
) -> None:
    for words in SECRET_WORDS:
        result = search_letters(user=getattr(corpus.o.users, role), query=words)
        assert hits(result) == {corpus.secret.pk}, words
        assert result.total == 1


@pytest.mark.parametrize("role", ["tu", "admin", "kabid_b", "outsider", "kadinkes"])
def test_outside_the_chain_the_secret_letter_is_nothing(
    corpus: SimpleNamespace, role: str
) -> None:
    user = getattr(corpus.o.users, role)
    for words in SECRET_WORDS:
        result = search_letters(user=user, query=words)
        assert result.hits == [] and result.total == 0, words
    # A word in an open and in the secret letter: the open one only, counted once,
    # and no snippet from the secret letter.
    result = search_letters(user=user, query="anggaran")
    assert corpus.secret.pk not in hits(result)
    assert result.total == len(result.hits)
    assert all("rahasia" not in s.html.lower() for h in result.hits for s in h.snippets)


def test_tu_and_admin_find_open_letters_staff_only_theirs(
    corpus: SimpleNamespace,
) -> None:
    c = corpus
    open_hits = {c.bangun.pk, c.membangun.pk, c.dibangun.pk}
    assert hits(search_letters(user=c.o.users.tu, query="pembangunan")) == open_hits
    assert hits(search_letters(user=c.o.users.admin, query="pembangunan")) == open_hits
    assert hits(search_letters(user=c.o.users.outsider, query="pembangunan")) == set()


def test_another_tenants_letters_are_never_hits(
    corpus: SimpleNamespace, elsewhere: SimpleNamespace
) -> None:
    c = corpus
    mine = {c.bangun.pk, c.membangun.pk, c.dibangun.pk}
    assert hits(search_letters(user=c.o.users.admin, query="pembangunan")) == mine
    assert hits(search_letters(user=c.o.users.admin, query="gorontalo")) == set()
    assert hits(search_letters(user=c.o.users.admin, query="800/123/BKPSDM/2026")) == {
        c.bangun.pk
    }
    with tenant_scope(elsewhere.tenant):
        theirs = search_letters(user=elsewhere.users.admin, query="pembangunan")
        assert hits(theirs) == {elsewhere.letter.pk}


def _page(user: object, q: str) -> str:
    response = client_for(user).get(reverse("search:search"), {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def _api(user: object, q: str) -> dict:
    response = client_for(user).get("/api/v1/search", {"q": q})
    assert response.status_code == 200, response.content
    return response.json()


def test_page_and_api_keep_the_secret(
    corpus: SimpleNamespace, elsewhere: SimpleNamespace
) -> None:
    c = corpus
    for role in ("tu", "admin", "outsider"):
        user = getattr(c.o.users, role)
        html = _page(user, "investigasi anggaran")
        assert "Audit investigasi" not in html and "<mark>" not in html
        data = _api(user, "investigasi anggaran")
        assert data["total"] == 0 and data["hits"] == []
        data = _api(user, "anggaran")
        assert c.secret.pk not in {h["letter"]["id"] for h in data["hits"]}
    for role in ("kadis", "kabid_a"):
        user = getattr(c.o.users, role)
        assert "Audit investigasi anggaran rahasia" in _page(user, "investigasi")
        data = _api(user, "investigasi")
        assert [h["letter"]["id"] for h in data["hits"]] == [c.secret.pk]
        assert "<mark>investigasi</mark>" in data["hits"][0]["snippets"][0]["html"]
    # Gorontalo's admin, signed in: none of Keerom's letters.
    data = _api(elsewhere.users.admin, "pembangunan")
    assert {h["letter"]["id"] for h in data["hits"]} == {elsewhere.letter.pk}


def _facet_counts(facets: dict) -> dict[str, dict[str, int]]:
    return {
        name: {
            (f["value"] if isinstance(f, dict) else f.value): (
                f["count"] if isinstance(f, dict) else f.count
            )
            for f in fs
        }
        for name, fs in facets.items()
    }


@pytest.mark.parametrize("role", ["tu", "admin", "kabid_b", "outsider", "kadinkes"])
def test_facets_never_count_the_secret_letter_outside_its_chain(
    corpus: SimpleNamespace, role: str
) -> None:
    c = corpus
    user = getattr(c.o.users, role)
    result = search_letters(user=user, query="anggaran")
    counts = _facet_counts(result.facets)
    assert "rahasia" not in counts["security"]
    for name in ("direction", "security", "unit", "year"):
        assert sum(counts[name].values()) == result.total, name
    assert _facet_counts(search_letters(user=user, query="investigasi").facets) == {
        "direction": {},
        "security": {},
        "unit": {},
        "year": {},
    }
    data = _api(user, "anggaran")
    api_counts = _facet_counts(data["facets"])
    assert "rahasia" not in api_counts["security"]
    assert sum(api_counts["security"].values()) == data["total"]
    assert _api(user, "investigasi")["facets"]["security"] == []
    html = _page(user, "anggaran")
    assert "security=rahasia" not in html


@pytest.mark.parametrize("role", ["kadis", "kabid_a"])
def test_facets_count_the_secret_letter_in_its_chain(
    corpus: SimpleNamespace, role: str
) -> None:
    c = corpus
    user = getattr(c.o.users, role)
    result = search_letters(user=user, query="investigasi")
    counts = _facet_counts(result.facets)
    assert counts["security"] == {"rahasia": 1}
    assert counts["unit"] == {str(c.secret.unit_id): 1}
    data = _api(user, "anggaran")
    assert _facet_counts(data["facets"])["security"].get("rahasia") == 1
    assert "security=rahasia" in _page(user, "anggaran")


def test_facets_in_another_tenant_count_only_its_letters(
    corpus: SimpleNamespace, elsewhere: SimpleNamespace
) -> None:
    with tenant_scope(elsewhere.tenant):
        result = search_letters(user=elsewhere.users.admin, query="pembangunan")
        counts = _facet_counts(result.facets)
    assert counts["unit"] == {str(elsewhere.letter.unit_id): 1}
    assert sum(counts["direction"].values()) == 1


def _answers(user: object) -> list[tuple[set[int], int, dict]]:
    return [
        (hits(r), r.total, _facet_counts(r.facets))
        for r in (
            search_letters(user=user, query=q)
            for q in ("anggaran", "investigasi", "pembangunan")
        )
    ]


@pytest.mark.parametrize("few", [0, 1000])
def test_many_matches_path_gives_the_same_answers(
    corpus: SimpleNamespace, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """On PostgreSQL a query with more than ``FEW_MATCHES`` matches is answered by
    checking the newest visible letters one by one: same hits, counts and facets,
    and still never the secret letter outside its chain (SQLite: one path)."""
    from warkat.search import engine

    c = corpus
    expected = {}
    for role in ("tu", "admin", "kadis", "kabid_a", "outsider"):
        user = getattr(c.o.users, role)
        expected[role] = _answers(user)
    monkeypatch.setattr(engine, "FEW_MATCHES", few)
    for role, answers in expected.items():
        user = getattr(c.o.users, role)
        got = _answers(user)
        assert got == answers, role
        secret_seen = any(c.secret.pk in h for h, _t, _f in got)
        assert secret_seen == (role in ("kadis", "kabid_a")), role


def test_the_kept_statement_follows_positions_and_roles(
    corpus: SimpleNamespace,
) -> None:
    """The visible letters' statement is kept per user and what it is made of
    (``visibility_key``): a position given up or a role granted changes the
    answer at the next request."""
    import datetime as dt

    from django.utils import timezone

    from warkat.accounts.models import Role, UserRole
    from warkat.org.models import Assignment

    c = corpus
    kabid = c.o.users.kabid_a
    assert [h["letter"]["id"] for h in _api(kabid, "investigasi")["hits"]] == [
        c.secret.pk
    ]
    Assignment.objects.filter(person_id=kabid.person_id).update(
        end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    assert _api(kabid, "investigasi")["total"] == 0
    outsider = c.o.users.outsider
    assert _api(outsider, "pembangunan")["total"] == 0
    UserRole.objects.create(tenant=c.o.tenant, user=outsider, role=Role.TENANT_ADMIN)
    data = _api(outsider, "pembangunan")
    assert {h["letter"]["id"] for h in data["hits"]} == {
        c.bangun.pk,
        c.membangun.pk,
        c.dibangun.pk,
    }
    # Still nothing of the secret letter: an admin outside its chain.
    assert _api(outsider, "investigasi")["total"] == 0
