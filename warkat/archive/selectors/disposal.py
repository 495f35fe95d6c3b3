"""Reads of retention and disposal: what a unit has due, a batch's page, the holds.

Due dates are computed in the database (module ``retention`` explains the rule: the
periods run from 1 January after the record date) and stored per letter
(``LetterDue``): a unit's due list is counted and paged through an index on the
stored years, and the page's letters are checked against the computed rule.

Secrecy: a row of a Rahasia or Sangat Rahasia letter shows its subject only to
people who may read the letter in full (``letters_visible``: its chain). Everyone
else on these pages — the records staff, the committee, the approver, the signers —
sees the agenda line (level, kind, agenda number or letter number), the code and
the dates: enough to appraise by the JRA, never the subject or the sender.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear

from warkat.archive.models import (
    ClassificationCode,
    DisposalBatch,
    DisposalItem,
    DisposalKind,
    LegalHold,
    LetterDue,
)
from warkat.archive.retention import tenant_overrides
from warkat.letters.access import letters_visible
from warkat.letters.models import Letter, LetterFile
from warkat.org.models import Unit
from warkat.org.selectors import unit_subtree

PAGE_SIZE = 100


def _local(field: str, national: str, overrides: dict[int, Any]) -> Any:
    """The national value of ``field``, or the tenant's own for the few codes its
    local JRA changes (a ``CASE`` over those ids, no subquery per letter)."""
    whens = [
        When(classification_id=code_id, then=Value(value))
        for code_id, row in overrides.items()
        if (value := getattr(row, field)) not in (None, "")
    ]
    if not whens:
        return F(national)
    kind = CharField() if field == "final_disposition" else IntegerField()
    return Case(*whens, default=F(national), output_field=kind)


def with_retention(qs: QuerySet[Letter]) -> QuerySet[Letter]:
    """Annotate each letter with ``record_date``, ``record_year``,
    ``active_years``, ``inactive_years`` and ``final`` (the tenant's local JRA
    first). Must run inside the tenant's scope."""
    # An incoming letter always has its received date (a check constraint).
    record = Case(
        When(direction="incoming", then=F("received_date")),
        default=Coalesce("letter_date", Cast("created_at", DateField())),
        output_field=DateField(),
    )
    overrides = tenant_overrides()
    return qs.filter(classification__retention_active_years__isnull=False).annotate(
        record_date=record,
        record_year=ExtractYear(record),
        active_years=_local(
            "retention_active_years",
            "classification__retention_active_years",
            overrides,
        ),
        inactive_years=_local(
            "retention_inactive_years",
            "classification__retention_inactive_years",
            overrides,
        ),
        final=_local(
            "final_disposition", "classification__final_disposition", overrides
        ),
    )


def _done(*kinds: str) -> Q:
    return Q(
        pk__in=DisposalItem.objects.filter(kind__in=kinds, state="done").values(
            "letter_id"
        )
    )


def due_letters(
    *, kind: str, today: dt.date, units: QuerySet[Unit] | None = None
) -> QuerySet[Letter]:
    """Letters due for ``kind`` on ``today`` (not yet on an open list nor done),
    annotated with retention, ``on_hold``, ``listed`` and ``file_count``.

    - transfer: past the active period, not past the inactive one, not moved yet;
    - destruction: past the inactive period, fate musnah or dinilai kembali;
    - handover: past the inactive period, fate permanen or dinilai kembali.
    """
    qs = Letter.objects.all()
    if units is not None:
        qs = qs.filter(unit__in=units)
    qs = with_retention(qs).annotate(
        on_hold=Exists(
            LegalHold.objects.filter(letter=OuterRef("pk"), released_at__isnull=True)
        )
    )
    year = today.year
    # record_year + 1 + years <= year  ⇔  past that period on 1 January of ``year``.
    past_active = Q(record_year__lte=Value(year - 1) - F("active_years"))
    past_inactive = Q(
        record_year__lte=Value(year - 1) - F("active_years") - F("inactive_years")
    )
    final_done = _done(DisposalKind.DESTRUCTION, DisposalKind.HANDOVER)
    listed = Q(pk__in=DisposalItem.objects.filter(state="open").values("letter_id"))
    if kind == DisposalKind.TRANSFER:
        qs = qs.filter(past_active).exclude(past_inactive)
        qs = qs.exclude(_done(DisposalKind.TRANSFER))
    elif kind == DisposalKind.DESTRUCTION:
        qs = qs.filter(past_inactive, final__in=["musnah", "dinilai_kembali"])
    else:
        qs = qs.filter(past_inactive, final__in=["permanen", "dinilai_kembali"])
    qs = qs.exclude(final_done).exclude(listed)
    # record_date is the annotation of ``with_retention``.
    return qs.select_related("classification").order_by("record_date", "pk")  # type: ignore[misc]


@dataclass
class Row:
    letter: Letter
    full: bool
    line: str

    @property
    def due_transfer(self) -> dt.date:
        return dt.date(self.letter.record_year + 1 + self.letter.active_years, 1, 1)  # type: ignore[attr-defined]

    @property
    def due_final(self) -> dt.date:
        years = self.letter.active_years + self.letter.inactive_years  # type: ignore[attr-defined]
        return dt.date(self.letter.record_year + 1 + years, 1, 1)  # type: ignore[attr-defined]


def letter_line(letter: Letter) -> str:
    """The list line of a letter shown to people outside a secret letter's chain."""
    if letter.is_secret:
        return letter.audit_repr
    return letter.subject


def rows_for(user: Any, letters: Sequence[Letter]) -> list[Row]:
    """Rows with the subject only where ``user`` may read the letter (one query)."""
    secret_ids = [lt.pk for lt in letters if lt.is_secret]
    readable: set[int] = set()
    if secret_ids:
        readable = set(
            letters_visible(user, Letter.objects.filter(pk__in=secret_ids)).values_list(
                "pk", flat=True
            )
        )
    rows = []
    for letter in letters:
        full = not letter.is_secret or letter.pk in readable
        rows.append(Row(letter, full, letter.subject if full else letter.audit_repr))
    return rows


def _transfer_years(year: int) -> list[int]:
    """The transfer years a letter due for transfer in ``year`` can have: its
    inactive period (final year minus transfer year) is at most the longest one
    of the national codes and the tenant's local JRA, so it left the active period
    less than that many years ago. One small query; another tenant's local values
    (SQLite has no row-level security on the join) only make the list longer."""
    longest = ClassificationCode.objects.aggregate(
        national=Max("retention_inactive_years"),
        local=Max("tenant_overrides__retention_inactive_years"),
    )
    span = max(longest["national"] or 0, longest["local"] or 0)
    return list(range(year - span + 1, year + 1))


def due_rows(
    *, kind: str, today: dt.date, units: QuerySet[Unit]
) -> QuerySet[LetterDue]:
    """The stored due years of the letters of ``units`` due for ``kind`` on
    ``today``: the same rule as ``due_letters``, on indexed columns."""
    year = today.year
    dues = LetterDue.objects.filter(unit__in=units)
    if kind == DisposalKind.TRANSFER:
        # transfer_year <= year < final_year, read as a few exact transfer years
        # (index ``letterdue_transfer_final``).
        dues = dues.filter(transfer_year__in=_transfer_years(year), final_year__gt=year)
        dues = dues.exclude(_done(DisposalKind.TRANSFER))
    elif kind == DisposalKind.DESTRUCTION:
        dues = dues.filter(
            final_year__lte=year, final__in=["musnah", "dinilai_kembali"]
        )
    else:
        dues = dues.filter(
            final_year__lte=year, final__in=["permanen", "dinilai_kembali"]
        )
    listed = Q(pk__in=DisposalItem.objects.filter(state="open").values("letter_id"))
    final_done = _done(DisposalKind.DESTRUCTION, DisposalKind.HANDOVER)
    return dues.exclude(final_done).exclude(listed)


def due_page(
    *, user: Any, unit: Unit, kind: str, today: dt.date, page: int = 1
) -> tuple[list[Row], int]:
    """One page of ``unit``'s (and its sub-units') letters due for ``kind``, and
    how many there are in all: counted and paged on the stored due years, the
    page's letters read with ``due_letters`` (the computed rule)."""
    units = unit_subtree(unit=unit)
    dues = due_rows(kind=kind, today=today, units=units)
    total = dues.count()
    start = (page - 1) * PAGE_SIZE
    ids = list(
        dues.order_by("record_date", "letter_id").values_list("letter_id", flat=True)[
            start : start + PAGE_SIZE
        ]
    )
    qs = due_letters(kind=kind, today=today).filter(pk__in=ids)
    letters = list(qs.annotate(file_count=Count("files")))
    return rows_for(user, letters), total


def batch_items(*, user: Any, batch: DisposalBatch) -> list[tuple[DisposalItem, bool]]:
    """The batch's list; ``True`` where the user may read the letter's subject."""
    items = list(batch.items.select_related("letter").order_by("record_date", "pk"))
    rows = rows_for(user, [item.letter for item in items])
    return [(item, row.full) for item, row in zip(items, rows, strict=True)]


def batches_for(*, kinds: set[str] | None = None) -> QuerySet[DisposalBatch]:
    qs = DisposalBatch.objects.select_related("unit").annotate(n_items=Count("items"))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("-proposed_at", "-pk")


def holds_list(*, active_only: bool = True) -> QuerySet[LegalHold]:
    qs = LegalHold.objects.select_related("letter", "placed_by")
    if active_only:
        qs = qs.filter(released_at__isnull=True)
    return qs.order_by("-placed_at", "-pk")


def letter_file_count(letter: Letter) -> int:
    return LetterFile.objects.filter(letter=letter).count()
