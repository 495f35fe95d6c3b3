"""``newest_hits`` for every user and small limits, on both databases: the newest
visible matches, the same as reading every match and keeping the visible ones.
Small limits make PostgreSQL's first statement (the tenant's newest matches) hold
too few visible hits for some users, so its fallback is exercised too."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from warkat.letters.access import letters_visible
from warkat.letters.models import Letter
from warkat.search.engine import match_sql, newest_hits
from warkat.search.text import parse_query
from warkat.tenancy.scope import tenant_scope

pytestmark = pytest.mark.django_db

ROLES = ("tu", "admin", "kadis", "kabid_a", "kabid_b", "outsider")
QUERIES = ("pembangunan", "anggaran", "investigasi", "surat", '"vaksinasi malaria"')


def _every_match(tenant_id: int, q: str) -> set[int]:
    sql, params = match_sql(parse_query(q), tenant_id=tenant_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_newest_hits_are_the_newest_visible_matches(
    corpus: SimpleNamespace, limit: int
) -> None:
    tenant = corpus.o.tenant
    with tenant_scope(tenant):
        for role in ROLES:
            user = getattr(corpus.o.users, role)
            visible_qs = letters_visible(user, Letter.objects.all()).values("pk")
            visible = set(visible_qs.values_list("pk", flat=True))
            for q in QUERIES:
                expected = sorted(_every_match(tenant.pk, q) & visible, reverse=True)
                got = newest_hits(
                    parse_query(q),
                    tenant_id=tenant.pk,
                    visible=visible_qs.query.sql_with_params(),
                    limit=limit,
                )
                assert [pk for pk, _rank in got] == expected[:limit], (role, q)
                assert all(rank > 0 for _pk, rank in got)
