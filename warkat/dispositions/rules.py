"""The disposition rules: who may receive from whom, instructions, tenant settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from warkat.dispositions.models import DispositionSettings, Instruction
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


def disposition_candidates(*, from_position: Position) -> QuerySet[Position]:
    """Positions ``from_position`` may dispose to, for the form's picker."""
    settings = disposition_settings()
    ids: set[int] = set()
    if from_position.is_head:
        ids.update(
            Position.objects.filter(
                unit__path__startswith=from_position.unit.path, is_active=True
            ).values_list("pk", flat=True)
        )
    frontier = {from_position.pk}
    for _depth in range(_MAX_DEPTH):
        below = set(
            Position.objects.filter(
                superior_id__in=frontier, is_active=True
            ).values_list("pk", flat=True)
        )
        below -= ids
        if not below:
            break
        ids |= below
        frontier = below
    if settings.allow_same_level and from_position.superior_id:
        ids.update(
            Position.objects.filter(
                superior_id=from_position.superior_id, is_active=True
            ).values_list("pk", flat=True)
        )
    ids.discard(from_position.pk)
    return (
        Position.objects.filter(pk__in=ids)
        .select_related("unit")
        .order_by("unit__path", "-is_head", "name")
    )
