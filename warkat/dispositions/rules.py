"""The disposition rules: who may receive from whom, instructions, tenant settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from warkat.dispositions.models import DispositionSettings, Instruction
from warkat.letters.models import Letter
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


def instruction_labels() -> list[str]:
    """Active instruction labels of the current tenant, in order."""
    rows = list(
        Instruction.objects.order_by("sort_order", "pk").values_list(
            "label", "is_active"
        )
    )
    if not rows:
        return list(DEFAULT_INSTRUCTIONS)
    return [label for label, active in rows if active]


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
