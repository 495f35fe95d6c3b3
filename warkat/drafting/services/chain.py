"""The paraf chain of a draft: the default hierarchical chain, and the drafter's
own chain before submitting. The signer always closes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warkat.drafting import errors
from warkat.drafting.models import Draft, ReviewStep, StepKind
from warkat.drafting.workflow import State, audit_drafting, lock_draft
from warkat.org.models import Position

MAX_CHAIN = 12


def chain_build(
    *, drafter_position: Position, signer_position: Position
) -> list[Position]:
    """The hierarchical paraf chain: from the drafter's superior up to, not
    including, the signer. If the signer is not above the drafter, the chain stops
    below the first position that is also above the signer (their common superior)."""
    signer_above: set[int] = set()
    cursor: Position | None = signer_position
    while cursor is not None and len(signer_above) <= MAX_CHAIN * 2:
        signer_above.add(cursor.pk)
        cursor = cursor.superior
    chain: list[Position] = []
    cursor = (
        drafter_position.superior if drafter_position.pk != signer_position.pk else None
    )
    while cursor is not None and len(chain) < MAX_CHAIN:
        if cursor.pk in signer_above:
            break
        if cursor.is_active:
            chain.append(cursor)
        cursor = cursor.superior
    return chain


def steps_create(draft: Draft, positions: Sequence[tuple[Position, str]]) -> None:
    rows = [
        ReviewStep(
            tenant_id=draft.tenant_id, draft=draft, round=draft.round, order=i,
            position=pos, kind=kind,
        )
        for i, (pos, kind) in enumerate(positions)
    ]  # fmt: skip
    rows.append(
        ReviewStep(
            tenant_id=draft.tenant_id, draft=draft, round=draft.round, order=len(rows),
            position=draft.signer_position, kind=StepKind.SIGNER,
        )
    )  # fmt: skip
    ReviewStep.objects.bulk_create(rows)


@dataclass(frozen=True)
class StepInput:
    position: Position
    kind: str = StepKind.HIERARCHY


@transaction.atomic
def chain_set(
    *, actor: Any, draft: Draft, steps: Sequence[StepInput]
) -> list[ReviewStep]:
    """The drafter adjusts the paraf chain before submitting: order, removals,
    coordination reviewers. The signer always closes the chain."""
    locked = lock_draft(draft)
    if locked.state != State.DRAFT:
        raise errors.wrong_state(
            State(locked.state).label, _("given a new paraf chain")
        )
    if locked.drafter_id != getattr(actor, "person_id", None):
        raise errors.not_drafter()
    if len(steps) > MAX_CHAIN:
        raise errors.invalid("chain_long", _("The paraf chain is too long."), "steps")
    seen: set[int] = set()
    for step in steps:
        pos = step.position
        if step.kind not in {StepKind.HIERARCHY, StepKind.COORDINATION}:
            raise errors.invalid("step_kind", _("Unknown paraf kind."), "steps")
        if pos.tenant_id != locked.tenant_id or not pos.is_active:
            raise errors.invalid(
                "step_position", _("Choose active positions of this Pemda."), "steps"
            )
        if pos.pk in seen:
            raise errors.invalid(
                "step_duplicate",
                _("%(position)s is in the chain twice."),
                "steps",
                position=pos.name,
            )
        if pos.pk == locked.signer_position_id:
            raise errors.invalid(
                "step_signer",
                _("The signer signs at the end; do not add them as a reviewer."),
                "steps",
            )
        seen.add(pos.pk)
    ReviewStep.objects.filter(draft=locked, round=locked.round).delete()
    steps_create(locked, [(s.position, s.kind) for s in steps])
    audit_drafting(
        locked, "chain_set", actor=actor, steps=[s.position.pk for s in steps]
    )
    return list(
        ReviewStep.objects.filter(draft=locked, round=locked.round).order_by("order")
    )
