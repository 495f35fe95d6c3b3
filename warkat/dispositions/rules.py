"""The disposition rules: who may receive from whom, instructions, tenant settings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from warkat.core.errors import ValidationError
from warkat.dispositions.models import Disposition, DispositionSettings, Instruction
from warkat.letters.models import Direction, Letter
from warkat.org.models import Position

#: The default instruction list (reference §3.1), seeded per tenant.
DEFAULT_INSTRUCTIONS = [
    "Tindak lanjuti",
    "Pelajari",
    "Hadiri/Wakili",
    "Untuk diketahui",
    "Siapkan jawaban",
    "Koordinasikan",
    "Proses sesuai ketentuan",
    "Laporkan hasilnya",
    "Untuk dibahas",
    "Edarkan",
    "Arsipkan",
]

_MAX_DEPTH = 15


def disposition_settings() -> DispositionSettings:
    """The tenant's settings (defaults when the tenant has not saved any)."""
    found = DispositionSettings.objects.first()
    return found if found is not None else DispositionSettings()


#: Defaults of the instruction behaviour (reference §3.1, §3.3).
DEFAULT_CLOSES_ON_READ = frozenset({"Untuk diketahui"})
DEFAULT_REQUIRES_REPORT = frozenset({"Laporkan hasilnya"})


@dataclass(frozen=True)
class InstructionRule:
    label: str
    active: bool
    closes_on_read: bool
    requires_report: bool


def instruction_rules() -> list[InstructionRule]:
    """The current tenant's instructions with their behaviour, in order (inactive
    ones too, for dispositions that still carry them); the defaults when the tenant
    has not saved a list. One query."""
    rows = list(
        Instruction.objects.order_by("sort_order", "pk").values_list(
            "label", "is_active", "closes_on_read", "requires_report"
        )
    )
    if not rows:
        return [
            InstructionRule(
                label,
                True,
                label in DEFAULT_CLOSES_ON_READ,
                label in DEFAULT_REQUIRES_REPORT,
            )
            for label in DEFAULT_INSTRUCTIONS
        ]
    return [InstructionRule(*row) for row in rows]


def instruction_labels() -> list[str]:
    """Active instruction labels of the current tenant, in order."""
    return [rule.label for rule in instruction_rules() if rule.active]


def default_deadline_days(urgency: str, settings: DispositionSettings) -> int:
    """Working days a disposition of a letter of this urgency gets by default."""
    return {
        "amat_segera": settings.days_amat_segera,
        "segera": settings.days_segera,
    }.get(urgency, settings.days_biasa)


def recipients_allowed(
    *, from_position: Position, targets: Iterable[Position], allow_same_level: bool
) -> set[int]:
    """Ids of ``targets`` that ``from_position`` may dispose to.

    Below it: reached through the superior chain, or (for a head of unit) any
    position in its unit's subtree. Same level (same superior) when the tenant
    allows coordination.
    """
    targets = list(targets)
    ok: set[int] = set()
    for t in targets:
        if t.pk == from_position.pk or not t.is_active:
            continue
        below_in_unit = from_position.is_head and t.unit.path.startswith(
            from_position.unit.path
        )
        same_level = (
            allow_same_level
            and from_position.superior_id is not None
            and t.superior_id == from_position.superior_id
        )
        if below_in_unit or same_level:
            ok.add(t.pk)
    # Walk up every remaining target's superior chain, one query per level.
    current = {
        t.pk: t.superior_id
        for t in targets
        if t.pk not in ok and t.pk != from_position.pk and t.is_active
    }
    for _depth in range(_MAX_DEPTH):
        ok.update(tid for tid, sup in current.items() if sup == from_position.pk)
        pending = {tid: sup for tid, sup in current.items() if sup and tid not in ok}
        if not pending:
            break
        superiors = dict(
            Position.objects.filter(pk__in=set(pending.values())).values_list(
                "pk", "superior_id"
            )
        )
        current = {tid: superiors.get(sup) for tid, sup in pending.items()}
    return ok


def disposition_origin_check(*, letter: Letter, parent: Disposition | None) -> None:
    """Refuse (``ValidationError``) to dispose an outgoing letter, a copy (tembusan),
    or from ``parent`` when it is a disposition of another letter."""
    if letter.direction != Direction.INCOMING or letter.addressed_position_id is None:
        raise ValidationError(
            "disposition.not_incoming", _("Only incoming letters can be disposed.")
        )
    if letter.is_copy:
        raise ValidationError(
            "disposition.copy",
            _("A copy (tembusan) is for information; it is not disposed."),
        )
    if parent is not None and parent.letter_id != letter.pk:
        raise ValidationError(
            "disposition.parent_mismatch",
            _("The disposition belongs to another letter."),
        )


def disposition_origin(*, letter: Letter, parent: Disposition | None) -> Position:
    """The position ``letter`` is disposed from: its addressee, or the recipient of
    ``parent`` for a re-disposition (see ``disposition_origin_check``)."""
    disposition_origin_check(letter=letter, parent=parent)
    origin = parent.to_position if parent is not None else letter.addressed_position
    assert origin is not None  # an incoming letter has an addressee (a DB check)
    return origin


def disposition_candidates(
    *,
    from_position: Position,
    query: str = "",
    limit: int = 30,
    settings: DispositionSettings | None = None,
) -> QuerySet[Position]:
    """Positions to offer in the dispose form.

    Without ``query``: the direct reports, the heads of the units right below (for a
    head of unit) and, where allowed, same-level positions — the usual addressees,
    a short list even for a Bupati. With ``query``: up to ``limit`` positions anywhere
    in the allowed set whose name matches.
    """
    # A caller that already read the settings passes them (one query less a page).
    settings = settings or disposition_settings()
    below = Q(superior_id=from_position.pk)
    if from_position.is_head:
        below |= Q(unit__parent_id=from_position.unit_id, is_head=True)
        if query:
            below |= Q(unit__path__startswith=from_position.unit.path)
    if settings.allow_same_level and from_position.superior_id:
        below |= Q(superior_id=from_position.superior_id)
    qs = Position.objects.filter(below, is_active=True).exclude(pk=from_position.pk)
    if query:
        ids = set(qs.filter(name__icontains=query).values_list("pk", flat=True)[:limit])
        if len(ids) < limit and not from_position.is_head:
            ids |= _subordinates_matching(from_position, query, limit - len(ids))
        qs = Position.objects.filter(pk__in=ids)
    return qs.select_related("unit").order_by("unit__path", "-is_head", "name")


def _subordinates_matching(from_position: Position, query: str, limit: int) -> set[int]:
    """Positions below through the superior chain whose name matches (BFS)."""
    found: set[int] = set()
    frontier = {from_position.pk}
    for _depth in range(_MAX_DEPTH):
        rows = list(
            Position.objects.filter(
                superior_id__in=frontier, is_active=True
            ).values_list("pk", "name")
        )
        if not rows:
            break
        found |= {pk for pk, name in rows if query.lower() in name.lower()}
        if len(found) >= limit:
            break
        frontier = {pk for pk, _name in rows}
    return set(list(found)[:limit])


def reply_letter_find(
    *, user: Any, letter_id: int | None = None, number: str = ""
) -> Letter | None:
    """The letter ``user`` may cite as the reply in a follow-up, by id (API) or by
    its number (form): one they may read in full, or an outgoing letter whose draft
    they may see (its drafter, paraf chain and signer). ``None`` when there is none.
    """
    from warkat.drafting.models import Draft
    from warkat.drafting.selectors import drafts_visible
    from warkat.letters.access import letters_visible

    number = number.strip()
    if letter_id is not None:
        qs = Letter.objects.filter(pk=letter_id)
    elif number:
        qs = Letter.objects.filter(number=number)
    else:
        return None
    own_draft = drafts_visible(user, Draft.objects.filter(letter=OuterRef("pk")))
    return (
        qs.filter(
            Q(pk__in=letters_visible(user, qs).values("pk")) | Q(Exists(own_draft))
        )
        .order_by("-pk")
        .first()
    )
