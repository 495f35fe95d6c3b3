from __future__ import annotations

import datetime as dt

import pytest

from warkat.org import selectors
from warkat.org.models import Unit
from warkat.org.services.units import unit_root
from warkat.org.tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_tenant")]


def _grow(tenant, n: int) -> None:
    parent = f.unit(tenant)
    for _ in range(n):
        unit = f.unit(tenant, parent, kind="bidang")
        f.assignment(
            tenant,
            f.person(tenant),
            f.position(tenant, unit),
            start_date=dt.date(2024, 1, 1),
        )


@pytest.mark.parametrize("size", [3, 30])
def test_tree_top_is_one_query_and_ordered(
    in_tenant, size, django_assert_num_queries
) -> None:
    _grow(in_tenant, size)
    with django_assert_num_queries(1):
        roots = selectors.unit_tree()
    root = roots[0]
    assert root.unit.parent_id is None and len(roots) == 1
    assert root.child_count == len(root.children) and not root.lazy
    kinds = [n.unit.kind for n in root.children]
    assert kinds.index("dinas") < kinds.index("kecamatan")
    distrik = [n for n in root.children if n.unit.kind == "kecamatan"]
    assert [d.unit.name for d in distrik] == sorted(
        (d.unit.name for d in distrik), key=str.casefold
    )
    # Only the first levels are loaded; deeper units wait behind their counts.
    assert all(not n.children for n in root.children)
    grown = next(n for n in root.children if n.child_count == size)
    assert grown.lazy
    assert any(d.child_count and d.lazy for d in distrik)  # kampung below


@pytest.mark.parametrize("size", [3, 30])
def test_children_are_one_query_with_their_counts(
    in_tenant, size, django_assert_num_queries
) -> None:
    dinas = f.unit(in_tenant)
    bidang = [f.unit(in_tenant, dinas, kind="bidang") for _ in range(size)]
    f.unit(in_tenant, bidang[0], kind="seksi")
    f.unit(in_tenant, bidang[0], kind="seksi")
    hidden = f.unit(in_tenant, bidang[1], kind="seksi")
    Unit.objects.filter(pk=hidden.pk).update(is_active=False)
    with django_assert_num_queries(1):
        nodes = selectors.unit_child_nodes(unit=dinas)
    assert [n.unit.name for n in nodes] == sorted(
        (u.name for u in bidang), key=str.casefold
    )
    counts = {n.unit.pk: n.child_count for n in nodes}
    assert counts[bidang[0].pk] == 2 and counts[bidang[1].pk] == 0  # inactive: hidden
    with django_assert_num_queries(1):
        assert [n.unit.kind for n in selectors.unit_child_nodes(unit=bidang[0])] == [
            "seksi",
            "seksi",
        ]


def test_search_returns_matches_inside_their_ancestors(
    in_tenant, django_assert_num_queries
) -> None:
    root = unit_root(tenant=in_tenant)
    with django_assert_num_queries(2):
        nodes, count = selectors.unit_search(q="Kampung")
    assert count > 1 and nodes[0].unit == root and not nodes[0].match
    distrik = nodes[0].children[0]
    assert distrik.unit.kind == "kecamatan" and all(c.match for c in distrik.children)
    # A distrik's count is all its kampung, not only the ones shown.
    assert distrik.child_count >= len(distrik.children) and not distrik.lazy


def test_search_match_with_children_expands_lazily(in_tenant) -> None:
    dinas = f.unit(in_tenant, name="Dinas Pencarian Uji")
    f.unit(in_tenant, dinas, kind="bidang", name="Bidang Satu")
    (root,), count = selectors.unit_search(q="Pencarian")
    (match,) = root.children
    assert count == 1 and match.match and match.child_count == 1 and match.lazy


@pytest.mark.parametrize("size", [3, 30])
def test_people_page_and_positions_have_constant_queries(
    in_tenant, size, django_assert_num_queries
) -> None:
    _grow(in_tenant, size)
    with django_assert_num_queries(3):
        page = selectors.people_page(page=1, per_page=25)
        for person in page:
            assert person.current[0].position.unit.name
    with django_assert_num_queries(2):
        for position in selectors.positions_with_holders():
            for a in position.holders:  # type: ignore[attr-defined]
                assert a.person.full_name


def test_people_search_by_nip_prefix_and_unit(in_tenant) -> None:
    unit = f.unit(in_tenant)
    p = f.person(
        in_tenant,
        full_name="Maria Yikwa",
        nip=f.nip_pns(dt.date(1975, 2, 3), serial=77),
    )
    f.assignment(
        in_tenant, p, f.position(in_tenant, f.unit(in_tenant, unit, kind="bidang"))
    )
    f.person(in_tenant, full_name="Orang Lain")
    assert list(selectors.people_filter(q=(p.nip or "")[:10])) == [p]
    assert list(selectors.people_filter(q="yikwa")) == [p]
    assert list(selectors.people_filter(unit=unit)) == [p]
