"""Reads of dispositions: the tree of a letter with reads, follow-ups and what the
viewer may do on each node."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, DateField, F, Prefetch, Q, QuerySet, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from warkat.dispositions.models import (
    OPEN_STATES,
    Disposition,
    DispositionRead,
    FollowUp,
    FollowUpFile,
)
from warkat.dispositions.workflow import ALLOWED_TRANSITIONS, RECIPIENT_ACTIONS
from warkat.letters.models import Letter

_DISPOSITION_FIELDS = (
    "tenant_id",
    "letter_id",
    "parent_id",
    "from_position_id",
    "from_person_id",
    "from_capacity",
    "to_position_id",
    "instructions",
    "note",
    "deadline",
    "state",
    "sent_at",
    "read_at",
    "read_by_id",
    "followed_up_at",
    "state_note",
    "state_changed_at",
)
_PERSON_FIELDS = (
    "person__full_name",
    "person__front_title",
    "person__back_title",
)


@dataclass
class Reader:
    """One person's readings of a disposition: the first, and how many in all."""

    first: DispositionRead
    times: int = 1


@dataclass
class Node:
    disposition: Disposition
    children: list[Node] = field(default_factory=list)
    reads: list[DispositionRead] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    is_overdue: bool = False
    depth: int = 0

    @property
    def pk(self) -> int:
        return self.disposition.pk

    @property
    def readers(self) -> list[Reader]:
        """Who read it, in order of first reading: a page opened five times is one
        reading shown with its count (``reads`` keeps every opening)."""
        by_person: dict[int, Reader] = {}
        for read in self.reads:  # ordered by read_at
            if read.person_id in by_person:
                by_person[read.person_id].times += 1
            else:
                by_person[read.person_id] = Reader(first=read)
        return list(by_person.values())


def node_actions(d: Disposition, held: dict[int, str]) -> list[str]:
    """Transitions the viewer may take on ``d``: recipient ones when holding
    ``to_position``, sender ones when holding ``from_position``."""
    actions = []
    state = d.state
    for action, (sources, _target) in ALLOWED_TRANSITIONS.items():
        side = d.to_position_id if action in RECIPIENT_ACTIONS else d.from_position_id
        if side not in held:
            continue
        # A recipient's first action reads the disposition on the way.
        effective = (
            "read" if (action in RECIPIENT_ACTIONS and state == "sent") else state
        )
        if action == "read":
            if state == "sent":
                actions.append(action)
        elif effective in sources:
            actions.append(action)
    return actions


def _by_disposition(rows: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.disposition_id].append(row)
    return grouped


def disposition_tree(
    *, letter: Letter, held: dict[int, str], today: dt.date | None = None
) -> list[Node]:
    """The whole tree of ``letter`` (roots first, then children in send order), in a
    fixed number of queries.

    Reads and follow-ups are fetched by letter and grouped here rather than through
    ``prefetch_related``, whose per-instance managers cost more than the rows.
    """
    today = today or timezone.localdate()
    rows = list(
        Disposition.objects.filter(letter=letter)
        .select_related(
            "from_position",
            "from_person",
            "to_position",
            "to_position__unit",
        )
        # Only what the tree shows: wide joined rows are the page's main cost.
        .only(
            *_DISPOSITION_FIELDS,
            "from_position__name",
            "from_person__full_name",
            "from_person__front_title",
            "from_person__back_title",
            "to_position__name",
            "to_position__unit__name",
        )
        .order_by("sent_at", "pk")
    )
    if not rows:
        return []
    reads = _by_disposition(
        DispositionRead.objects.filter(disposition__letter=letter)
        .select_related("person")
        .only("disposition_id", "capacity", "read_at", *_PERSON_FIELDS)
        .order_by("read_at", "pk")
    )
    follow_ups = _by_disposition(
        FollowUp.objects.filter(disposition__letter=letter)
        .select_related("person", "reply_letter")
        .only(
            "disposition_id",
            "capacity",
            "text",
            "created_at",
            "reply_letter__number",
            "reply_letter__direction",
            *_PERSON_FIELDS,
        )
        .prefetch_related(
            Prefetch(
                "files",
                queryset=FollowUpFile.objects.only(
                    "follow_up_id", "original_name", "content_type", "size", "sha256"
                ).order_by("pk"),
            )
        )
        .order_by("created_at", "pk")
    )
    nodes = {
        d.pk: Node(
            disposition=d,
            reads=reads.get(d.pk, []),
            follow_ups=follow_ups.get(d.pk, []),
            actions=node_actions(d, held),
            is_overdue=bool(
                d.deadline and d.state in OPEN_STATES and d.deadline < today
            ),
        )
        for d in rows
    }
    roots: list[Node] = []
    for d in rows:
        node = nodes[d.pk]
        parent = nodes.get(d.parent_id) if d.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    return roots


def flatten(nodes: list[Node], depth: int = 0) -> list[Node]:
    """Depth-first list with ``depth`` set, for templates that indent."""
    out: list[Node] = []
    for n in nodes:
        n.depth = depth
        out.append(n)
        out.extend(flatten(n.children, depth + 1))
    return out


def disposition_for_actor(*, user: Any, disposition_id: int) -> Disposition:
    """A disposition the user is a party to (sender or recipient position held, or
    the letter otherwise visible); ``NotFound`` otherwise."""
    from warkat.dispositions.errors import disposition_not_found
    from warkat.letters.access import letters_visible

    d = (
        Disposition.objects.select_related("letter", "from_position", "to_position")
        .filter(pk=disposition_id)
        .first()
    )
    if (
        d is None
        or not letters_visible(user, Letter.objects.filter(pk=d.letter_id)).exists()
    ):
        raise disposition_not_found()
    return d


#: Columns of a disposition the command centre's figures are computed from.
#: Rows fetched at a time from a streamed read.
STREAM_CHUNK = 5000

FIGURE_FIELDS = (
    "id",
    "letter_id",
    "from_position_id",
    "from_position__unit_id",
    "from_person_id",
    "to_position_id",
    "to_position__unit_id",
    "sent_at",
    "read_at",
    "followed_up_at",
    "deadline",
    "state",
    "state_changed_at",
    "for_information",
)


_SETTLING = ["closed", "declined", "cancelled"]


def _figure_periods(
    start: dt.datetime, end: dt.datetime, first_day: dt.date, last_day: dt.date
) -> tuple[Q, Q]:
    """(changed or due in the period, owed in it from before its first day)."""
    changed = (
        Q(sent_at__gte=start, sent_at__lt=end)
        | Q(read_at__gte=start, read_at__lt=end)
        | Q(followed_up_at__gte=start, followed_up_at__lt=end)
    )
    settled_before = Q(followed_up_at__lt=start) | Q(
        state__in=_SETTLING, state_changed_at__lt=start
    )
    due = Q(deadline__gte=first_day, deadline__lte=last_day)
    owed = Q(deadline__lt=first_day, sent_at__lt=end) & ~settled_before
    return changed | due, owed


def dispositions_for_figures(
    *, start: dt.datetime, end: dt.datetime, first_day: dt.date, last_day: dt.date
) -> Iterator[dict[str, Any]]:
    """Dispositions that changed in ``[start, end)`` (the local days ``first_day`` to
    ``last_day``) or fall due in it: the rows the daily figures of that period read
    one by one (those only still owed in it are ``owed_for_figures``).

    Value rows only (ids, times, states): no note or letter content. Streamed
    (a server-side cursor on PostgreSQL, inside the caller's transaction): a
    quarter of a million-letter tenant is hundreds of thousands of rows, which the
    caller folds into daily counters one by one.
    """
    touched, _owed = _figure_periods(start, end, first_day, last_day)
    return (
        Disposition.objects.filter(touched)
        .order_by()
        .values(*FIGURE_FIELDS)
        .iterator(chunk_size=STREAM_CHUNK)
    )


def owed_for_figures(
    *,
    start: dt.datetime,
    end: dt.datetime,
    first_day: dt.date,
    last_day: dt.date,
    tz: ZoneInfo,
) -> QuerySet[Disposition, dict[str, Any]]:
    """The dispositions past their deadline before ``first_day``, still owed in the
    period and untouched in it (neither sent, read, followed up nor due in it), to
    be acted on and not cancelled, counted in the database: rows of the recipient
    ``unit``, the local ``settled_day`` a closing or declining settled them in the
    period (None: still owed at its end) and their number ``n``. In a tenant of
    millions of open dispositions these are most of what a period reads, and all
    that matters of them is how long each stayed overdue."""
    touched, owed = _figure_periods(start, end, first_day, last_day)
    closed_in_period = Q(
        followed_up_at__isnull=True,
        state__in=["closed", "declined"],
        state_changed_at__isnull=False,
    )
    return (
        Disposition.objects.filter(owed, for_information=False)
        .exclude(touched)
        .exclude(state="cancelled")
        .order_by()
        .values(
            unit=F("to_position__unit_id"),
            settled_day=Case(
                When(
                    closed_in_period,
                    then=TruncDate("state_changed_at", tzinfo=tz),
                ),
                default=None,
                output_field=DateField(),
            ),
        )
        .annotate(n=Count("pk"))
    )


def followups_between(
    *, start: dt.datetime, end: dt.datetime
) -> QuerySet[FollowUp, tuple[Any, ...]]:
    """Follow-up reports written in ``[start, end)`` as (person, written at, the
    disposition's deadline) rows, for the per-person figures."""
    return (
        FollowUp.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("person_id", "created_at", "disposition__deadline")
    )


def open_dispositions_of(
    *, position_ids: list[int], overdue_on: dt.date | None = None
) -> QuerySet[Disposition, dict[str, Any]]:
    """Open dispositions addressed to ``position_ids`` (past their deadline on
    ``overdue_on`` when given), newest first: the rows behind a drill-down figure."""
    qs = Disposition.objects.filter(
        to_position_id__in=position_ids, state__in=list(OPEN_STATES)
    )
    if overdue_on is not None:
        qs = qs.filter(deadline__lt=overdue_on)
    return qs.order_by("deadline", "-sent_at").values(
        "id", "letter_id", "to_position_id", "deadline", "sent_at", "state"
    )


def open_counts_by_position(
    *, position_ids: list[int], today: dt.date
) -> dict[int, tuple[int, int]]:
    """Position id → (open dispositions, of which past their deadline), answered
    from the partial index of open dispositions."""
    from django.db.models import Count

    rows = (
        Disposition.objects.filter(
            to_position_id__in=position_ids, state__in=list(OPEN_STATES)
        )
        .order_by()
        .values("to_position_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=today, for_information=False)),
        )
    )
    return {r["to_position_id"]: (r["open"], r["overdue"]) for r in rows}


def working_day_deadline(*, start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` in the scoped tenant's calendar
    (for deadlines other apps set the same way as disposition deadlines)."""
    from warkat.dispositions.calendar import add_working_days

    return add_working_days(start=start, days=days)
