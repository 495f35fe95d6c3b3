"""Reads of outgoing letters: who may see a draft, the three work lists, a draft's
page data, version comparison, the number register and the recipient picker.

Visibility: the drafter, holders (today) of any position in the paraf chain or the
signing position, and people who acted on it see a draft in full. The TU of the
letter's unit and tenant admins also see signed Biasa and Terbatas letters; Rahasia
and Sangat Rahasia letters never show outside their chain — not in lists, pages,
PDFs or the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from warkat.drafting import errors
from warkat.drafting.batch_models import (
    BATCH_EVENT_LABELS,
    SigningBatch,
    SigningBatchItem,
)
from warkat.drafting.models import (
    DRAFT_EVENT_LABELS,
    Delivery,
    Draft,
    DraftState,
    DraftVersion,
    NumberEntry,
    Recipient,
    ReviewStep,
    StepKind,
    StepState,
)
from warkat.drafting.sanitize import version_diff
from warkat.letters.access import held_positions, is_tenant_admin, tu_unit_ids
from warkat.letters.models import SECRET_LEVELS, LetterEvent, LetterFile
from warkat.org.models import Position, Unit
from warkat.tenancy.models import Tenant
from warkat.tenancy.scope import all_tenants

LIST_SIZE = 50
EVENT_LABELS = {**DRAFT_EVENT_LABELS, **BATCH_EVENT_LABELS}


def chain_q(user: Any) -> Q:
    """Drafts in whose chain the user stands."""
    held = list(held_positions(user))
    person_id = getattr(user, "person_id", None) or 0
    in_steps = ReviewStep.objects.filter(draft=OuterRef("pk")).filter(
        Q(position_id__in=held) | Q(acted_by_id=person_id)
    )
    return (
        Q(drafter_id=person_id) | Q(signer_position_id__in=held) | Q(Exists(in_steps))
    )


def registry_q(user: Any) -> Q:
    """Signed letters the user keeps the register of (TU of the unit, admins);
    drafts stay with their chain until signed, secret letters always do."""
    signed = Q(state__in=[DraftState.SIGNED, DraftState.SENT]) & ~Q(
        letter__security__in=SECRET_LEVELS
    )
    if is_tenant_admin(user):
        return signed
    return signed & Q(letter__unit_id__in=tu_unit_ids(user))


def drafts_visible(user: Any, qs: QuerySet[Draft] | None = None) -> QuerySet[Draft]:
    qs = qs if qs is not None else Draft.objects.all()
    return qs.filter(chain_q(user) | registry_q(user))


def draft_for_user(*, user: Any, letter_id: int) -> Draft:
    """The outgoing letter's draft (by letter id) if ``user`` may see it; otherwise
    not found (no hint that it exists)."""
    draft = (
        drafts_visible(user, Draft.objects.filter(letter_id=letter_id))
        .select_related(
            "letter",
            "letter__classification",
            "letter__unit",
            "naskah_type",
            "signer_position",
            "signer_position__unit",
            "drafter",
            "drafter_position",
            "on_behalf_position",
            "ub_position",
            "signed_by",
        )
        .first()
    )
    if draft is None:
        raise errors.draft_not_found()
    return draft


def _list_base(qs: QuerySet[Draft]) -> QuerySet[Draft]:
    return qs.select_related(
        "letter", "naskah_type", "signer_position", "drafter"
    ).order_by("-updated_at", "-pk")


def drafts_mine(*, user: Any) -> QuerySet[Draft]:
    person_id = getattr(user, "person_id", None) or 0
    return _list_base(Draft.objects.filter(drafter_id=person_id))


def drafts_to_review(*, user: Any) -> QuerySet[Draft]:
    """Drafts in review whose current (first pending) step is a position the user
    holds today."""
    held = list(held_positions(user))
    earlier = ReviewStep.objects.filter(
        draft=OuterRef("draft"), round=OuterRef("round"), state=StepState.PENDING,
        order__lt=OuterRef("order"),
    )  # fmt: skip
    my_turn = ReviewStep.objects.filter(
        draft=OuterRef("pk"), position_id__in=held, state=StepState.PENDING,
        round=OuterRef("round"),
    ).exclude(kind=StepKind.SIGNER).filter(~Exists(earlier))  # fmt: skip
    return _list_base(
        Draft.objects.filter(state=DraftState.IN_REVIEW).filter(Exists(my_turn))
    )


def drafts_to_sign(*, user: Any) -> QuerySet[Draft]:
    held = list(held_positions(user))
    return _list_base(
        Draft.objects.filter(state=DraftState.APPROVED, signer_position_id__in=held)
    )


def drafts_registry(*, user: Any) -> QuerySet[Draft]:
    """Signed and sent letters of the units whose register the user keeps."""
    return _list_base(Draft.objects.filter(registry_q(user)))


@dataclass
class DraftPage:
    draft: Draft
    steps: list[ReviewStep]
    history: list[ReviewStep]
    recipients: list[Recipient]
    attachments: list[LetterFile]
    versions: list[DraftVersion]
    deliveries: dict[int, Delivery]
    events: list[LetterEvent]
    current: ReviewStep | None
    actions: set[str]
    #: The batch line when the letter was signed in a batch.
    batch_item: SigningBatchItem | None = None

    @property
    def recipient_rows(self) -> list[tuple[Recipient, Delivery | None]]:
        return [(r, self.deliveries.get(r.pk)) for r in self.recipients]

    @property
    def history_rows(self) -> list[tuple[LetterEvent, str]]:
        """The history with each event's name as the reader sees it (never the
        stored code)."""
        return [(e, str(EVENT_LABELS.get(e.kind) or e.kind_label)) for e in self.events]


def draft_page(*, user: Any, draft: Draft) -> DraftPage:
    steps_all = list(
        ReviewStep.objects.filter(draft=draft)
        .select_related("position", "acted_by")
        .order_by("-round", "order")
    )
    steps = [s for s in steps_all if s.round == draft.round]
    current = next((s for s in steps if s.state == StepState.PENDING), None)
    return DraftPage(
        draft=draft,
        steps=steps,
        history=[s for s in steps_all if s.round != draft.round],
        recipients=list(
            Recipient.objects.filter(draft=draft).order_by("-role", "order", "pk")
        ),
        attachments=list(
            LetterFile.objects.filter(
                letter_id=draft.letter_id, kind=LetterFile.Kind.ATTACHMENT
            ).order_by("pk")
        ),
        versions=list(
            DraftVersion.objects.filter(draft=draft)
            .select_related("author")
            .order_by("-number")
        ),
        deliveries={d.recipient_id: d for d in Delivery.objects.filter(draft=draft)},
        events=list(
            LetterEvent.objects.filter(letter_id=draft.letter_id)
            .select_related("person", "position")
            .order_by("at", "pk")
        ),
        current=current,
        actions=draft_actions(user=user, draft=draft, current=current),
        batch_item=(
            SigningBatchItem.objects.filter(draft=draft, outcome="signed")
            .select_related("batch")
            .first()
            if draft.signed_document_id
            else None
        ),
    )


@dataclass
class BatchReport:
    """A signing batch as its signer sees it: each letter asked for, in order,
    with its line (None: not reached)."""

    batch: SigningBatch
    rows: list[tuple[Draft, SigningBatchItem | None]]

    @property
    def signed(self) -> int:
        return sum(1 for _d, i in self.rows if i and i.outcome == "signed")

    @property
    def failed(self) -> int:
        return sum(1 for _d, i in self.rows if i and i.outcome == "failed")

    @property
    def unfinished(self) -> int:
        return sum(1 for _d, i in self.rows if i is None)


def batch_for_user(*, user: Any, batch_id: int) -> BatchReport:
    """One of the user's own signing batches; anyone else's is not found."""
    batch = SigningBatch.objects.filter(pk=batch_id, signer_id=user.pk).first()
    if batch is None:
        raise errors.batch_not_found()
    items = {i.draft_id: i for i in SigningBatchItem.objects.filter(batch=batch)}
    drafts = {
        d.pk: d
        for d in drafts_visible(
            user, Draft.objects.filter(pk__in=batch.draft_ids)
        ).select_related("letter", "naskah_type")
    }
    return BatchReport(
        batch=batch,
        rows=[(drafts[i], items.get(i)) for i in batch.draft_ids if i in drafts],
    )


def draft_actions(*, user: Any, draft: Draft, current: ReviewStep | None) -> set[str]:
    """What the user may do now (for buttons; the services check again)."""
    held = held_positions(user)
    actions: set[str] = set()
    is_drafter = draft.drafter_id == getattr(user, "person_id", None)
    if draft.state == DraftState.DRAFT and is_drafter:
        actions |= {"edit", "chain", "submit"}
    if (
        draft.state == DraftState.IN_REVIEW
        and current is not None
        and current.kind != StepKind.SIGNER
        and current.position_id in held
    ):
        actions |= {"approve", "return", "review_edit"}
    if draft.state == DraftState.APPROVED and draft.signer_position_id in held:
        actions |= {"sign", "return"}
    return actions


def versions_compare(*, draft: Draft, a: int, b: int) -> dict[str, Any]:
    rows = {
        v.number: v for v in DraftVersion.objects.filter(draft=draft, number__in=[a, b])
    }
    if a not in rows or b not in rows:
        raise errors.invalid("version_unknown", _("Unknown version."), "version")
    old, new = rows[min(a, b)], rows[max(a, b)]
    labels = {
        "naskah_type": str(_("Naskah type")),
        "subject": str(_("Subject (hal)")),
        "security": str(_("Security level")),
        "urgency": str(_("Urgency")),
        "classification": str(_("Classification code")),
        "signer_position": str(_("Signing position")),
        "capacity": str(_("Signing capacity")),
        "about": str(_("About (tentang)")),
        "place": str(_("Place of signing")),
        "event": str(_("Event")),
        "to": str(_("Addressees")),
        "copies": str(_("Copies (tembusan)")),
        "attachments": str(_("Attachments")),
    }
    fields, table = version_diff(
        old=old.data, new=new.data, labels=labels,
        old_name=f"v{old.number}", new_name=f"v{new.number}",
    )  # fmt: skip
    return {"old": old, "new": new, "fields": fields, "table": table}


def number_register(*, user: Any, unit: Unit, year: int) -> QuerySet[NumberEntry]:
    """The number register of ``unit`` for ``year`` (TU of the unit, admins). Secret
    letters show their number and type only (the subject is masked by the view)."""
    if not (is_tenant_admin(user) or unit.pk in tu_unit_ids(user)):
        raise errors.not_tu()
    return (
        NumberEntry.objects.filter(unit=unit, year=year)
        .select_related("naskah_type", "letter", "taken_by", "voided_by")
        .order_by("naskah_type_id", "-sequence")
    )


def register_units(*, user: Any) -> QuerySet[Unit]:
    if is_tenant_admin(user):
        return Unit.objects.filter(
            Q(parent__isnull=True) | Q(kind__in=Unit.OPD_KINDS)
        ).order_by("path")
    return Unit.objects.filter(pk__in=tu_unit_ids(user)).order_by("path")


@dataclass(frozen=True)
class PickerItem:
    kind: str
    id: int
    label: str
    tenant_id: int
    tenant_name: str


def recipient_search(
    *, tenant: Tenant, query: str, limit: int = 20
) -> list[PickerItem]:
    """Positions and units matching ``query``: this tenant's first, then other
    tenants' (public names only: position, unit and Pemda names)."""
    words = query.split()
    if not words or len(query) < 2:
        return []
    items: list[PickerItem] = []
    # Cross-tenant on purpose: the picker lists other Pemda's public unit and position
    # names so that a letter can be addressed to them; nothing else is read.
    with all_tenants():
        pos_q = Q(is_active=True)
        unit_q = Q(is_active=True)
        for word in words[:5]:
            pos_q &= (
                Q(name__icontains=word)
                | Q(unit__name__icontains=word)
                | Q(tenant__name__icontains=word)
            )
            unit_q &= Q(name__icontains=word) | Q(tenant__name__icontains=word)
        positions = (
            Position.objects.filter(pos_q, tenant__is_active=True)
            .select_related("tenant", "unit")
            .order_by("tenant_id", "name", "pk")[: limit * 2]
        )
        units = (
            Unit.objects.filter(unit_q, tenant__is_active=True, positions__is_head=True)
            .select_related("tenant")
            .distinct()
            .order_by("tenant_id", "name", "pk")[:limit]
        )
        for p in positions:
            items.append(
                PickerItem(
                    "position",
                    p.pk,
                    f"{p.name} — {p.unit.name}",
                    p.tenant_id,
                    p.tenant.name,
                )
            )
        for u in units:
            items.append(PickerItem("unit", u.pk, u.name, u.tenant_id, u.tenant.name))
    items.sort(key=lambda i: (i.tenant_id != tenant.pk, i.kind != "position", i.label))
    return items[:limit]


def drafts_for_figures(
    *, start: dt.datetime, end: dt.datetime
) -> QuerySet[Draft, dict[str, Any]]:
    """Drafts created, signed or sent in ``[start, end)`` as value rows (unit, drafter,
    signer, times, signed electronically?) for the command centre's figures."""
    return (
        Draft.objects.filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(signed_at__gte=start, signed_at__lt=end)
            | Q(sent_at__gte=start, sent_at__lt=end)
        )
        .order_by()
        .values(
            "letter__unit_id",
            "drafter_id",
            "signed_by_id",
            "created_at",
            "signed_at",
            "sent_at",
            "signed_document_id",
        )
    )


def review_returns_between(
    *, start: dt.datetime, end: dt.datetime
) -> QuerySet[ReviewStep, tuple[Any, ...]]:
    """Paraf steps that returned a draft in ``[start, end)``: (drafting unit, when)."""
    return (
        ReviewStep.objects.filter(
            state=ReviewStep.State.RETURNED, acted_at__gte=start, acted_at__lt=end
        )
        .order_by()
        .values_list("draft__letter__unit_id", "acted_at")
    )


def paper_numbers_between(
    *, start: dt.datetime, end: dt.datetime
) -> QuerySet[NumberEntry, tuple[Any, ...]]:
    """Numbers reserved for letters signed on paper in ``[start, end)`` (whether
    voided later or not: the reservation is the event): (unit, when)."""
    return (
        NumberEntry.objects.filter(
            kind=NumberEntry.Kind.RESERVED, taken_at__gte=start, taken_at__lt=end
        )
        .order_by()
        .values_list("unit_id", "taken_at")
    )


def duty_assignments(
    *, person_ids: set[int], start: dt.date, end: dt.date
) -> list[tuple[int, dt.date, dt.date]]:
    """(person id, first day, last day) of every signed surat tugas naming one of
    ``person_ids`` with duty days in ``[start, end]``: what attendance reads to
    count those days as dinas luar (drafting knows nothing of attendance)."""
    rows = Draft.objects.filter(
        state__in=[Draft.State.SIGNED, Draft.State.SENT],
        duty_start__lte=end,
        duty_end__gte=start,
    ).values_list("duty_person_ids", "duty_start", "duty_end")
    return [
        (person_id, first, last)
        for people, first, last in rows
        for person_id in people
        if person_id in person_ids
    ]
