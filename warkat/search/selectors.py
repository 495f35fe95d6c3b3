"""Searching letters: ranked hits among the letters the user may read in full.

Visibility is the inbox's and the letter page's: ``letters_visible`` (the one
place secrecy is decided). The full-text match (``engine``) gives the tenant's
matching letter ids and ranks; they are joined to the visible letters (and the
filters) in one statement that also counts them, so a letter the user may not read
is never a hit, a count or a snippet. A page costs the same number of queries
however many letters match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from warkat.core.days import day_range
from warkat.letters.access import letters_visible, visibility_key
from warkat.letters.models import Direction, Letter, Security
from warkat.search.engine import SenderIs, newest_hits, sender_match_sql
from warkat.search.errors import query_refused
from warkat.search.index import gather_texts
from warkat.search.snippets import Snippet, snippets
from warkat.search.text import ParsedQuery, QueryError, parse_query
from warkat.tenancy.scope import current_tenant

#: Hits are the newest this many visible matches, ranked; counted up to this many
#: ("200+" beyond); pages stop there too.
COUNT_CAP = 200
MAX_PER_PAGE = 50


@dataclass
class SearchFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit_id: int | None = None
    direction: str = ""
    classification: str = ""  # a code or its prefix ("800" finds 800.1.2)
    security: str = ""
    state: str = ""


@dataclass
class Hit:
    letter: Letter
    rank: float
    snippets: list[Snippet]


@dataclass
class Facet:
    value: str
    label: str
    count: int


#: The facets of a search, in the order shown.
FACETS = ("direction", "security", "unit", "year")


@dataclass
class SearchPage:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0  # up to COUNT_CAP + 1
    page: int = 1
    per_page: int = 20
    filters: SearchFilters = field(default_factory=SearchFilters)
    # Counts of the hits (the same capped set as ``total``) per value, most first.
    facets: dict[str, list[Facet]] = field(default_factory=dict)

    @property
    def total_label(self) -> str:
        return f"{COUNT_CAP}+" if self.total > COUNT_CAP else str(self.total)

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < min(self.total, COUNT_CAP)


def parse(raw: str) -> ParsedQuery:
    """The parsed query, or the domain error that says why it cannot be searched."""
    try:
        return parse_query(raw)
    except QueryError as exc:
        raise query_refused(exc.code) from None


def sender_q(user: Any, sender: str) -> Callable[[str], Q] | None:
    """The inbox's sender filter read through the index: letters whose sender
    (institution or name) holds every word of ``sender``, affixed forms included,
    as a function of the field prefix (``""`` for letters, ``"letter__"`` for
    dispositions) giving the condition: the index is asked once for both. None when
    ``sender`` holds no word to look up (the inbox then compares text)."""
    try:
        parsed = parse_query(sender)
    except QueryError:
        return None
    matched = sender_match_sql(parsed, tenant_id=user.tenant_id)
    if matched is not None:
        sql, params = matched
        return lambda prefix: Q(**{f"{prefix}pk__in": RawSQL(sql, params)})
    # A common sender: each letter the inbox reads, newest first, is checked until
    # its page is full (``prefix`` "letter__": the disposition's letter id).
    return lambda prefix: Q(
        SenderIs(F(f"{prefix[:-2]}_id" if prefix else "pk"), parsed)
    )


def _filter_values(f: SearchFilters) -> tuple[Any, ...]:
    """The filters as the statement uses them (a time range in the current zone)."""
    if f.direction and f.direction not in Direction.values:
        raise query_refused("bad_filter")
    if f.security and f.security not in Security.values:
        raise query_refused("bad_filter")
    start, end = day_range(f.date_from, f.date_to, timezone.get_current_timezone())
    return (
        f.direction,
        f.security,
        f.unit_id,
        f.classification.strip()[:20] if f.classification else "",
        f.state[:20] if f.state else "",
        start,
        end,
    )


def _filter_q(values: tuple[Any, ...]) -> Q:
    direction, security, unit_id, classification, state, start, end = values
    q = Q()
    if direction:
        q &= Q(direction=direction)
    if security:
        q &= Q(security=security)
    if unit_id:
        q &= Q(unit_id=unit_id)
    if classification:
        q &= Q(classification__code__startswith=classification)
    if state:
        q &= Q(status=state)
    if start:
        q &= Q(created_at__gte=start)
    if end:
        q &= Q(created_at__lt=end)
    return q


#: Compiled statements of the letters a user may read (with the filters), kept
#: under everything they are made of: the tenant scope, the database, the user's
#: ``visibility_key`` (positions held today, roles) and the filters. Compiling
#: them through the ORM cost about a fifth of a search request's CPU.
_VISIBLE_SQL: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_VISIBLE_SQL_MAX = 512


def _visible_sql(user: Any, f: SearchFilters) -> tuple[str, tuple[Any, ...]]:
    """``SELECT id`` of the letters ``user`` may read in full that pass ``f``."""
    values = _filter_values(f)
    tenant = current_tenant()
    db = Letter.objects.db
    key = (tenant.pk if tenant else None, db, visibility_key(user), values)
    found = _VISIBLE_SQL.get(key)
    if found is None:
        visible = letters_visible(user, Letter.objects.filter(_filter_q(values)))
        sql, params = visible.values("pk").query.sql_with_params()
        found = (sql, tuple(params))
        if len(_VISIBLE_SQL) >= _VISIBLE_SQL_MAX:
            _VISIBLE_SQL.clear()
        _VISIBLE_SQL[key] = found
    return found


def _ranked(*, user: Any, parsed: ParsedQuery, f: SearchFilters) -> list[Any]:
    """The newest ``COUNT_CAP + 1`` visible hits, best first, each with what the
    facets count (``newest_hits`` with ``facts``): the ranking work is bounded by
    the cap, whatever the number of matches."""
    rows = newest_hits(
        parsed,
        tenant_id=user.tenant_id,
        visible=_visible_sql(user, f),
        limit=COUNT_CAP + 1,
        using=Letter.objects.db,
        facts=True,
    )
    rows.sort(key=lambda r: (-r[1], -r[0]))
    return rows


_DIRECTIONS = dict(Direction.choices)
_SECURITY = dict(Security.choices)


def _year(created_at: Any, zone: dt.tzinfo) -> str:
    """The year of a creation time in ``zone`` (SQLite's raw rows give text)."""
    if isinstance(created_at, str):
        created_at = parse_datetime(created_at)
        if created_at is not None and timezone.is_naive(created_at):
            created_at = created_at.replace(tzinfo=dt.UTC)
    return str(created_at.astimezone(zone).year) if created_at else ""


def _facets(rows: list[Any]) -> dict[str, list[Facet]]:
    """Counts by direction, security level, unit and year (tenant's zone) of the
    hits ``rows`` (visible hits only, read with them: no query)."""
    counts: dict[str, dict[str, list[Any]]] = {name: {} for name in FACETS}
    zone = timezone.get_current_timezone()
    for _pk, _rank, direction, security, unit_id, unit_name, created_at in rows:
        year = _year(created_at, zone)
        for name, value, label in (
            ("direction", direction, _DIRECTIONS.get(direction, direction)),
            ("security", security, _SECURITY.get(security, security)),
            ("unit", str(unit_id), unit_name),
            ("year", year, year),
        ):
            counts[name].setdefault(value, [label, 0])[1] += 1
    return {
        name: sorted(
            (Facet(value=v, label=str(lc[0]), count=lc[1]) for v, lc in by.items()),
            key=lambda f: (-f.count, f.label),
        )
        for name, by in counts.items()
    }


def search_letters(
    *,
    user: Any,
    query: str,
    filters: SearchFilters | None = None,
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """One page of the letters ``user`` may read that match ``query``, best first,
    with highlighted snippets. Raises a ``ValidationError`` for a query that cannot
    be searched (empty, too long, only common words) or a filter out of range."""
    f = filters or SearchFilters()
    parsed = parse(query)
    page = max(1, page)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    result = SearchPage(query=query, page=page, per_page=per_page, filters=f)
    offset = (page - 1) * per_page
    if offset >= COUNT_CAP:
        return result
    everything = _ranked(user=user, parsed=parsed, f=f)
    result.total = len(everything)
    result.facets = _facets(everything[:COUNT_CAP])
    ranked = everything[:COUNT_CAP][offset : offset + per_page]
    if not ranked:
        return result
    ids = [row[0] for row in ranked]
    letters = Letter.objects.select_related("classification").in_bulk(ids)
    # Snippets for the page's letters only, from the letters just read.
    texts = gather_texts(ids, letters=letters.values())
    for pk, rank, *_facts in ranked:
        found = texts.get(pk)
        result.hits.append(
            Hit(
                letter=letters[pk],
                rank=rank,
                snippets=snippets(found.head + found.body, parsed) if found else [],
            )
        )
    return result
