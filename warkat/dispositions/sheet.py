"""The lembar disposisi of an incoming letter as PDF: the letter's particulars and its
whole disposition chain (tree order, indented by depth) with reads, follow-ups and
closing notes.

Only readers with full access to the letter get it; everyone else (agenda-line
readers of a Rahasia letter included) gets ``NotFound``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from warkat.core.http import download_response
from warkat.core.pdf import render_pdf
from warkat.dispositions.models import Capacity, Disposition
from warkat.dispositions.selectors import Node, disposition_tree, flatten
from warkat.letters.access import held_positions
from warkat.letters.models import Letter
from warkat.letters.selectors import letter_full_for_user

_PERSON_FIELDS = ("full_name", "front_title", "back_title")


@dataclass
class Entry:
    """One disposition on the sheet: its number in the tree (``1.2``) and who last
    changed its state (close, return, decline, cancel), as printed."""

    number: str
    node: Node
    changed_by: str = ""

    @property
    def indent_mm(self) -> int:
        """Indent by depth, capped so a deep chain still fits the page."""
        return min(self.node.depth, 6) * 7


def acting(person: Any, capacity: str) -> str:
    """``Plt. dr. Maria Yikwa, M.Kes``: the capacity only when not definitif."""
    name = person.display_name if person is not None else ""
    if capacity and capacity != Capacity.DEFINITIF:
        return f"{Capacity(capacity).label} {name}"
    return name


def _changed_by(letter: Letter) -> dict[int, str]:
    """Who made the last state change of each disposition, in one query."""
    rows = (
        Disposition.objects.filter(letter=letter, state_changed_by__isnull=False)
        .select_related("state_changed_by")
        .only(
            "state_changed_capacity",
            *(f"state_changed_by__{f}" for f in _PERSON_FIELDS),
        )
    )
    return {d.pk: acting(d.state_changed_by, d.state_changed_capacity) for d in rows}


def _entries(nodes: list[Node], changed_by: dict[int, str]) -> list[Entry]:
    """Depth-first entries numbered 1, 1.1, 1.2, 2 … (``flatten`` order)."""
    counters: list[int] = []
    out: list[Entry] = []
    for node in flatten(nodes):
        counters = counters[: node.depth + 1]
        if len(counters) == node.depth + 1:
            counters[-1] += 1
        else:
            counters.append(1)
        out.append(
            Entry(
                number=".".join(str(c) for c in counters),
                node=node,
                changed_by=changed_by.get(node.pk, ""),
            )
        )
    return out


def _letter_rows(letter: Letter) -> list[tuple[str, Any]]:
    sender = letter.sender_institution
    if letter.sender_name:
        sender = f"{sender} — {letter.sender_name}"
    nature = letter.get_security_display()
    if letter.urgency:
        nature = f"{nature} · {letter.get_urgency_display()}"
    return [
        (_("Letter from"), sender),
        (_("Letter number"), letter.number or "—"),
        (_("Letter date"), letter.letter_date or "—"),
        (_("Received on"), letter.received_date or "—"),
        (_("Agenda number"), letter.agenda_label or "—"),
        (_("Nature of the letter"), nature),
    ]


def _printed_by(user: Any) -> str:
    person = getattr(user, "person", None)
    if person is not None:
        return str(person.display_name)
    return str(user.get_full_name() or user.get_username())


def disposition_sheet_pdf(*, user: Any, letter_id: int) -> tuple[bytes, str]:
    """The lembar disposisi of ``letter_id`` as PDF bytes and a file name."""
    letter = letter_full_for_user(user=user, letter_id=letter_id)
    tree = disposition_tree(letter=letter, held=held_positions(user))
    html = render_to_string(
        "dispositions/pdf/sheet.html",
        {
            "letter": letter,
            "government": _("Government of %(name)s") % {"name": letter.tenant.name},
            "rows": _letter_rows(letter),
            "entries": _entries(tree, _changed_by(letter) if tree else {}),
            "printed_at": timezone.localtime(),
            "printed_by": _printed_by(user),
        },
    )
    if letter.agenda_number:
        name = f"lembar-disposisi-{letter.agenda_number}-{letter.agenda_year}.pdf"
    else:
        name = f"lembar-disposisi-{letter.pk}.pdf"
    return render_pdf(html), name


def sheet_download(*, user: Any, letter_id: int) -> HttpResponse:
    """The sheet as an attachment that no shared cache keeps."""
    data, name = disposition_sheet_pdf(user=user, letter_id=letter_id)
    return download_response(data, "application/pdf", name)
