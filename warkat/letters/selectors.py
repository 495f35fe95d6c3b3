"""Reads of letters that are more than a ``get``: the page of one letter with its
access level, the agenda book, the registration form's choices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from warkat.accounts.models import Role
from warkat.letters.access import (
    Access,
    held_positions,
    in_chain_annotation,
    is_tenant_admin,
    letter_access,
    letters_visible,
    tu_unit_ids,
)
from warkat.letters.errors import letter_not_found
from warkat.letters.models import (
    Direction,
    Letter,
    LetterEvent,
    LetterFile,
    LetterFilePage,
)
from warkat.org.models import Position, Unit


@dataclass
class LetterView:
    """A letter as one user may see it. With ``access`` AGENDA_LINE only the agenda
    fields may be shown; ``files``, ``events`` and ``tree`` are then empty."""

    letter: Letter
    access: Access
    files: list[LetterFile] = field(default_factory=list)
    events: list[LetterEvent] = field(default_factory=list)
    tree: list[Any] = field(default_factory=list)
    held: dict[int, str] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.access == Access.FULL

    @property
    def may_dispose(self) -> bool:
        # A letter sent back to the TU waits there until it is sent again; a
        # settled one is finished (the service refuses both); a tembusan is for
        # information only.
        return (
            self.full
            and self.letter.addressed_position_id in self.held
            and self.letter.status not in ("returned", "done")
            and not self.letter.is_copy
        )


def letter_for_user(*, user: Any, letter_id: int) -> tuple[Letter, Access]:
    """The letter and the user's access to it; ``NotFound`` when they have none, so
    its existence is not revealed."""
    letter = (
        Letter.objects.select_related(
            "unit", "addressed_position", "classification", "registered_by"
        )
        .annotate(user_in_chain=in_chain_annotation(user))
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        raise letter_not_found()
    access = letter_access(user, letter)
    if access == Access.NONE:
        raise letter_not_found()
    return letter, access


def letter_full_for_user(*, user: Any, letter_id: int) -> Letter:
    """The letter when ``user`` may read it in full; ``NotFound`` otherwise (an
    agenda-line reader learns nothing more than an outsider)."""
    letter, access = letter_for_user(user=user, letter_id=letter_id)
    if access != Access.FULL:
        raise letter_not_found()
    return letter


def letter_view(
    *, user: Any, letter_id: int, found: tuple[Letter, Access] | None = None
) -> LetterView:
    """Everything the letter page shows, in a constant number of queries.
    ``found`` is ``letter_for_user``'s answer when the caller already has it."""
    from warkat.dispositions.selectors import disposition_tree

    letter, access = found or letter_for_user(user=user, letter_id=letter_id)
    held = held_positions(user)
    view = LetterView(letter=letter, access=access, held=held)
    if access == Access.FULL:
        # One query for the page pictures of all files (``pages``), however many.
        view.files = list(
            LetterFile.objects.filter(letter=letter)
            .prefetch_related(
                Prefetch("pages", queryset=LetterFilePage.objects.order_by("number"))
            )
            .order_by("pk")
        )
        view.events = list(
            LetterEvent.objects.filter(letter=letter)
            .select_related("person", "position")
            .only(
                "at",
                "kind",
                "capacity",
                "disposition_id",
                "note",
                "person__full_name",
                "person__front_title",
                "person__back_title",
                "position__name",
            )
            .order_by("at", "pk")
        )
        view.tree = disposition_tree(letter=letter, held=held)
    return view


def letter_file_for_user(*, user: Any, letter_id: int, file_id: int) -> LetterFile:
    """A file of a letter the user may read in full (secret letters included)."""
    letter, access = letter_for_user(user=user, letter_id=letter_id)
    found = LetterFile.objects.filter(letter=letter, pk=file_id).first()
    if access != Access.FULL or found is None:
        raise letter_not_found()
    return found


def registration_units(*, user: Any) -> QuerySet[Unit]:
    """Units whose agenda book the user keeps."""
    if is_tenant_admin(user):
        return Unit.objects.filter(is_active=True).order_by("path")
    return Unit.objects.filter(pk__in=tu_unit_ids(user), is_active=True).order_by(
        "path"
    )


def addressable_positions(*, unit: Unit) -> QuerySet[Position]:
    """Positions a letter to ``unit`` may be addressed to (heads first)."""
    return (
        Position.objects.filter(unit__path__startswith=unit.path, is_active=True)
        .select_related("unit")
        .order_by("-is_head", "unit__depth", "name")
    )


def may_register(*, user: Any) -> bool:
    return bool(user.has_role(Role.TENANT_ADMIN) or tu_unit_ids(user))


@dataclass
class AgendaRow:
    letter: Letter
    full: bool


def agenda_book(
    *, user: Any, unit: Unit, date_from: dt.date, date_to: dt.date
) -> list[AgendaRow]:
    """The unit's incoming agenda book for a period. Only its TU and tenant admins
    may read it; secret letters outside the reader's chain show the agenda line."""
    if not (is_tenant_admin(user) or unit.pk in tu_unit_ids(user)):
        from django.utils.translation import gettext_lazy as _

        from warkat.core.errors import PermissionDenied

        raise PermissionDenied(
            "letter.agenda_forbidden",
            _(
                "Only the unit's records clerk (TU) or an administrator may read its agenda book."
            ),
        )
    qs = (
        Letter.objects.filter(
            direction=Direction.INCOMING,
            unit=unit,
            received_date__gte=date_from,
            received_date__lte=date_to,
        )
        .select_related("addressed_position", "classification")
        .order_by("agenda_year", "agenda_number")
    )
    letters = list(qs)
    visible = set(
        letters_visible(
            user, Letter.objects.filter(pk__in=[x.pk for x in letters])
        ).values_list("pk", flat=True)
    )
    return [AgendaRow(letter=x, full=x.pk in visible) for x in letters]


def letters_registered(*, user: Any, query: str = "") -> QuerySet[Letter]:
    """Recent letters of the books the user keeps (for the TU's list)."""
    qs = Letter.objects.filter(direction=Direction.INCOMING)
    if not is_tenant_admin(user):
        qs = qs.filter(unit_id__in=tu_unit_ids(user))
    if query:
        qs = qs.filter(
            Q(sender_institution__icontains=query)
            | Q(number__icontains=query)
            | Q(agenda_number=int(query) if query.isdigit() else -1)
        )
    from django.db.models import OuterRef, Subquery

    # Why the addressee sent it back (shown while it is returned).
    reason = LetterEvent.objects.filter(
        letter=OuterRef("pk"), kind="sent_to_tu"
    ).order_by("-at", "-pk")
    return (
        qs.select_related("unit", "addressed_position")
        .annotate(return_reason=Subquery(reason.values("note")[:1]))
        .order_by("-created_at", "-pk")
    )


def incoming_registered_between(
    *, start: dt.datetime, end: dt.datetime
) -> QuerySet[Letter, tuple[Any, ...]]:
    """Incoming letters registered (or delivered) in ``[start, end)``, as rows of
    (unit id, registered at, delivered from another letter?) for the command
    centre's daily figures. No subject or other content leaves here."""
    return (
        Letter.objects.filter(
            direction=Letter.Direction.INCOMING,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by()
        .values_list("unit_id", "created_at", "source_letter_id")
    )


@dataclass
class OverviewLine:
    """A letter as a leader's drill-down shows it (no content beyond the subject)."""

    id: int
    subject: str
    security: str
    urgency: str
    agenda: str
    received_date: dt.date | None


def letter_lines_for_overview(
    *, user: Any, letter_ids: list[int]
) -> tuple[dict[int, OverviewLine], int]:
    """The letters behind a command-centre figure, for a leader above their chain.

    Biasa letters are shown by subject; Terbatas, Rahasia and Sangat Rahasia ones
    only when ``user`` may read them in full (``letters_visible``), otherwise they
    are only counted (the second value): a figure never names a secret subject.
    """
    letters = Letter.objects.filter(pk__in=letter_ids)
    readable = set(
        letters_visible(user, letters.exclude(security="biasa")).values_list(
            "pk", flat=True
        )
    )
    lines: dict[int, OverviewLine] = {}
    hidden = 0
    for row in letters.values(
        "pk", "subject", "security", "urgency", "agenda_number", "agenda_year",
        "received_date",
    ):  # fmt: skip
        if row["security"] != "biasa" and row["pk"] not in readable:
            hidden += 1
            continue
        agenda = (
            f"{row['agenda_number']}/{row['agenda_year']}"
            if row["agenda_number"]
            else ""
        )
        lines[row["pk"]] = OverviewLine(
            id=row["pk"],
            subject=row["subject"],
            security=row["security"],
            urgency=row["urgency"],
            agenda=agenda,
            received_date=row["received_date"],
        )
    return lines, hidden
