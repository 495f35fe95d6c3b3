"""A person's inbox: letters addressed to the positions they hold today and
dispositions sent to those positions, with the tracking counters.

Both sources are read newest-first through their own index and merged, so the first
page costs the same however many letters the tenant holds; the query count does not
depend on the page size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet, Value
from django.utils import timezone

from warkat.core.days import day_range
from warkat.dispositions.models import OPEN_STATES, PENDING_STATES, Disposition, State
from warkat.letters.access import held_positions
from warkat.letters.models import Direction, IncomingStatus, Letter

#: The "state" filter values beyond the raw disposition states.
STATE_FILTERS = ("unread", "pending", "overdue", "done", "awaiting", *State.values)
#: Dispositions a disposer has to decide on: reported (close or send back) or declined.
AWAITING_STATES = (State.FOLLOWED_UP, State.DECLINED)

#: Counters stop counting past this many: a badge reads "999+" and the API reports
#: ``COUNTER_CAP + 1``. Counting every row of a position holding a million open
#: dispositions would cost the whole inbox request; nobody acts on the exact figure.
COUNTER_CAP = 999


#: ``(user, text) → (field prefix → Q)`` for the sender filter, or None when the
#: text holds no word to look up (one look-up serves the letters and the
#: dispositions of a request). Installed by the search app (``warkat.search.apps``;
#: letters never imports search) so that the filter reads the search index: under
#: row-level security PostgreSQL uses no index for ``LIKE``, so ``icontains`` reads
#: every letter of the tenant (about 1 s over a million letters as the app role).
SenderMatch = Callable[[Any, str], Callable[[str], Q] | None]
_sender_match: list[SenderMatch] = []


def sender_match_install(match: SenderMatch) -> None:
    _sender_match[:] = [match]


@dataclass
class InboxFilters:
    state: str = ""
    urgency: str = ""
    security: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sender: str = ""
    unit_id: int | None = None
    # "", "letters", "copies" (tembusan), "dispositions" or "sent" (dispositions I sent)
    kind: str = ""
    # The sender's look-up, made once for the letters and the dispositions.
    sender_match: dict[str, Any] = field(
        default_factory=dict, repr=False, compare=False
    )


@dataclass
class InboxItem:
    kind: str  # "letter", "disposition" (to me) or "sent" (from me)
    letter: Letter
    disposition: Disposition | None
    at: dt.datetime

    @property
    def is_unread(self) -> bool:
        if self.kind == "sent":
            return False
        if self.disposition is not None:
            return self.disposition.state == State.SENT
        return self.letter.read_at is None

    @property
    def is_overdue(self) -> bool:
        d = self.disposition
        return bool(
            d is not None
            and d.deadline is not None
            and d.state in OPEN_STATES
            and d.deadline < timezone.localdate()
        )


@dataclass
class InboxPage:
    items: list[InboxItem]
    counters: dict[str, int]
    page: int
    has_next: bool
    filters: InboxFilters = field(default_factory=InboxFilters)

    @property
    def counter_labels(self) -> dict[str, str]:
        return counter_labels(self.counters)


def _sender_q(user: Any, f: InboxFilters, prefix: str) -> Q:
    if f.sender not in f.sender_match:
        match = _sender_match[0] if _sender_match else None
        f.sender_match[f.sender] = match(user, f.sender) if match else None
    matched = f.sender_match[f.sender]
    if matched is not None:
        return matched(prefix)
    return Q(**{f"{prefix}sender_institution__icontains": f.sender}) | Q(
        **{f"{prefix}sender_name__icontains": f.sender}
    )


def _letter_filters(user: Any, f: InboxFilters, prefix: str = "") -> Q:
    q = Q()
    if f.urgency:
        q &= Q(**{f"{prefix}urgency": f.urgency})
    if f.security:
        q &= Q(**{f"{prefix}security": f.security})
    if f.sender:
        q &= _sender_q(user, f, prefix)
    if f.unit_id:
        q &= Q(**{f"{prefix}unit_id": f.unit_id})
    return q


def _bounds(f: InboxFilters) -> tuple[dt.datetime | None, dt.datetime | None]:
    return day_range(f.date_from, f.date_to, timezone.get_current_timezone())


def _letters_source(
    user: Any, held: list[int], f: InboxFilters
) -> QuerySet[Letter] | None:
    if f.kind in ("dispositions", "sent"):
        return None
    qs = Letter.objects.filter(
        direction=Direction.INCOMING, addressed_position_id__in=held
    ).filter(_letter_filters(user, f))
    if f.kind == "copies":
        qs = qs.filter(is_copy=True)
    state = f.state
    if state == "unread":
        # As the counters: unread letters to act on, or unread copies.
        qs = qs.filter(read_at__isnull=True, is_copy=f.kind == "copies")
    elif state == "pending":
        qs = qs.filter(read_at__isnull=False, status=IncomingStatus.NEW)
    elif state == "done":
        qs = qs.filter(status=IncomingStatus.DONE)
    elif state:
        # Overdue and raw disposition states concern dispositions only.
        return None
    start, end = _bounds(f)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    return qs


def _dispositions_source(
    user: Any, held: list[int], f: InboxFilters
) -> QuerySet[Disposition] | None:
    if f.kind in ("letters", "copies"):
        return None
    side = "from_position_id__in" if f.kind == "sent" else "to_position_id__in"
    qs = (
        Disposition.objects.filter(**{side: held})
        .exclude(state=State.CANCELLED)
        .filter(_letter_filters(user, f, "letter__"))
    )
    state = f.state
    if state == "unread":
        qs = qs.filter(state=State.SENT)
    elif state == "pending":
        qs = qs.filter(state__in=PENDING_STATES)
    elif state == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, deadline__lt=timezone.localdate())
    elif state == "done":
        qs = qs.filter(state=State.CLOSED)
    elif state == "awaiting":
        qs = qs.filter(state__in=AWAITING_STATES)
    elif state:
        qs = qs.filter(state=state)
    start, end = _bounds(f)
    if start:
        qs = qs.filter(sent_at__gte=start)
    if end:
        qs = qs.filter(sent_at__lt=end)
    return qs


def _capped_counts(parts: dict[str, QuerySet[Any]]) -> dict[str, int]:
    """Count each queryset up to ``COUNTER_CAP + 1`` rows, all in one statement.

    Each part reads ``SELECT 1 … LIMIT n`` so PostgreSQL answers it from the partial
    counter indexes alone and stops after ``n`` entries however many rows match.
    """
    selects: list[str] = []
    params: list[Any] = []
    db = "default"
    for qs in parts.values():
        db = qs.db
        capped = qs.order_by().annotate(one=Value(1)).values("one")[: COUNTER_CAP + 1]
        sql, p = capped.query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")
        params.extend(p)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    return dict(zip(parts, row, strict=True))


def inbox_counters(*, user: Any) -> dict[str, int]:
    """Belum dibaca, belum ditindaklanjuti, lewat batas waktu, and the dispositions
    the user sent that wait for their decision (reported or declined), and unread
    tembusan (copies, apart from letters to act on), in one query.

    Each figure is exact up to ``COUNTER_CAP``; above it the value is
    ``COUNTER_CAP + 1`` (shown as "999+", see ``counter_label``).
    """
    held = list(held_positions(user))
    if not held:
        return {"unread": 0, "pending": 0, "overdue": 0, "awaiting": 0, "copies": 0}
    mine = Letter.objects.filter(
        direction=Direction.INCOMING, addressed_position_id__in=held
    )
    disp = Disposition.objects.filter(to_position_id__in=held)
    n = _capped_counts(
        {
            # Each part is answered by its own small partial index.
            "letters_unread": mine.filter(read_at__isnull=True, is_copy=False),
            "copies": mine.filter(read_at__isnull=True, is_copy=True),
            "letters_pending": mine.filter(
                status=IncomingStatus.NEW, read_at__isnull=False
            ),
            "unread": disp.filter(state=State.SENT),
            "pending": disp.filter(state__in=PENDING_STATES),
            "overdue": disp.filter(
                state__in=OPEN_STATES, deadline__lt=timezone.localdate()
            ),
            "awaiting": Disposition.objects.filter(
                from_position_id__in=held, state__in=AWAITING_STATES
            ),
        }
    )
    cap = COUNTER_CAP + 1
    return {
        "unread": min(n["letters_unread"] + n["unread"], cap),
        "pending": min(n["letters_pending"] + n["pending"], cap),
        "overdue": n["overdue"],
        "awaiting": n["awaiting"],
        "copies": n["copies"],
    }


def counter_label(value: int) -> str:
    """A counter as a badge shows it: "999+" once it passed the cap."""
    return f"{COUNTER_CAP}+" if value > COUNTER_CAP else str(value)


def counter_labels(counters: dict[str, int]) -> dict[str, str]:
    return {k: counter_label(v) for k, v in counters.items()}


def inbox_page(
    *, user: Any, filters: InboxFilters | None = None, page: int = 1, per_page: int = 25
) -> InboxPage:
    f = filters or InboxFilters()
    page = max(page, 1)
    held = list(held_positions(user))
    want = page * per_page + 1
    rows: list[tuple[str, int, dt.datetime]] = []
    letters_qs = _letters_source(user, held, f) if held else None
    if letters_qs is not None:
        rows += [
            ("letter", pk, at)
            for pk, at in letters_qs.order_by("-created_at", "-pk").values_list(
                "pk", "created_at"
            )[:want]
        ]
    disp_qs = _dispositions_source(user, held, f) if held else None
    if disp_qs is not None:
        rows += [
            ("disposition", pk, at)
            for pk, at in disp_qs.order_by("-sent_at", "-pk").values_list(
                "pk", "sent_at"
            )[:want]
        ]
    rows.sort(key=lambda r: (r[2], r[1]), reverse=True)
    start = (page - 1) * per_page
    window = rows[start : start + per_page]
    has_next = len(rows) > start + per_page
    letter_ids = [pk for kind, pk, _at in window if kind == "letter"]
    disp_ids = [pk for kind, pk, _at in window if kind == "disposition"]
    letters = (
        Letter.objects.select_related(
            "unit", "addressed_position", "classification"
        ).in_bulk(letter_ids)
        if letter_ids
        else {}
    )
    disps = (
        Disposition.objects.select_related(
            "letter",
            "letter__unit",
            "letter__classification",
            "from_position",
            "to_position",
        ).in_bulk(disp_ids)
        if disp_ids
        else {}
    )
    items: list[InboxItem] = []
    for kind, pk, at in window:
        if kind == "letter":
            items.append(InboxItem("letter", letters[pk], None, at))
        else:
            d = disps[pk]
            kind = "sent" if f.kind == "sent" else "disposition"
            items.append(InboxItem(kind, d.letter, d, at))
    return InboxPage(
        items=items,
        counters=inbox_counters(user=user),
        page=page,
        has_next=has_next,
        filters=f,
    )


__all__ = [
    "COUNTER_CAP",
    "STATE_FILTERS",
    "InboxFilters",
    "InboxItem",
    "InboxPage",
    "counter_label",
    "counter_labels",
    "inbox_counters",
    "inbox_page",
    "sender_match_install",
]
