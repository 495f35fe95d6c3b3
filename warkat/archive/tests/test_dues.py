"""The stored due years (``LetterDue``) follow the letter and the local JRA, and the
due page counted on them agrees with the computed rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from warkat.archive.models import (
    ClassificationCode,
    LetterDue,
    TenantClassificationCode,
)
from warkat.archive.selectors.disposal import due_letters, due_rows
from warkat.archive.tests.conftest import leaf_code, old_letter
from warkat.org.models import Unit

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 4)


def _years(letter_id: int) -> tuple[int, int, str] | None:
    row = LetterDue.objects.filter(letter_id=letter_id).first()
    return (row.transfer_year, row.final_year, row.final) if row else None


def test_the_stored_years_follow_the_letter_and_the_local_jra(
    o: SimpleNamespace,
) -> None:
    letter = old_letter(o, 2020)  # 000.1.1: 1 year active, 1 inactive, musnah
    assert _years(letter.pk) == (2022, 2023, "musnah")
    letter.received_date = dt.date(2021, 2, 1)
    letter.save(update_fields=["received_date"])
    assert _years(letter.pk) == (2023, 2024, "musnah")
    letter.classification = leaf_code("000.4.3.1")  # 3 and 7 years
    letter.save()
    assert _years(letter.pk) == (
        2025,
        2032,
        ClassificationCode.objects.get(code="000.4.3.1").final_disposition,
    )
    local = TenantClassificationCode.objects.create(
        tenant=o.tenant,
        code=letter.classification,
        retention_inactive_years=5,
        final_disposition="permanen",
    )
    assert _years(letter.pk) == (2025, 2030, "permanen")
    local.delete()
    assert _years(letter.pk)[:2] == (2025, 2032)  # type: ignore[index]
    letter.classification = None
    letter.save(update_fields=["classification"])
    assert _years(letter.pk) is None


@pytest.mark.parametrize("kind", ["pemindahan", "pemusnahan", "penyerahan"])
def test_stored_and_computed_due_lists_agree(o: SimpleNamespace, kind: str) -> None:
    for year in (2019, 2020, 2023, 2025, 2026):
        old_letter(o, year)
        old_letter(o, year, code="000.4.3.1")
    units = Unit.objects.all()
    computed = set(due_letters(kind=kind, today=TODAY).values_list("pk", flat=True))
    stored = set(
        due_rows(kind=kind, today=TODAY, units=units).values_list(
            "letter_id", flat=True
        )
    )
    assert stored == computed


def test_a_bulk_update_rewrites_the_stored_years_in_its_transaction(
    o: SimpleNamespace,
) -> None:
    """A queryset ``update()`` sends no ``post_save``: ``Letter.objects`` reads the
    touched ids first and the stored years follow in the same transaction."""
    from django.db import transaction

    from warkat.letters.models import Letter

    first, second = old_letter(o, 2020), old_letter(o, 2020)
    untouched = old_letter(o, 2019)
    # Filtered on the field it changes: the ids are read before the write.
    done = Letter.objects.filter(
        pk__in=[first.pk, second.pk], received_date__year=2020
    ).update(received_date=dt.date(2021, 2, 1))
    assert done == 2
    assert _years(first.pk) == _years(second.pk) == (2023, 2024, "musnah")
    assert _years(untouched.pk) == (2021, 2022, "musnah")
    # By column name too, and rolled back with the write.
    with transaction.atomic():
        Letter.objects.filter(pk=first.pk).update(
            classification_id=leaf_code("000.4.3.1").pk
        )
        assert _years(first.pk)[:2] == (2025, 2032)  # type: ignore[index]
        transaction.set_rollback(True)
    assert _years(first.pk) == (2023, 2024, "musnah")
    Letter.objects.filter(pk=second.pk).update(classification=None)
    assert _years(second.pk) is None
    # bulk_update() as well.
    first.received_date = dt.date(2022, 3, 1)
    Letter.objects.bulk_update([first], ["received_date"])
    assert _years(first.pk) == (2024, 2025, "musnah")


def test_a_bulk_update_of_other_fields_reads_nothing_more(
    o: SimpleNamespace, django_assert_num_queries: Any
) -> None:
    from warkat.letters.models import Letter

    letter = old_letter(o, 2020)
    with django_assert_num_queries(1):
        Letter.objects.filter(pk=letter.pk).update(status="done")


def test_transfer_list_reaches_back_as_far_as_the_local_jra(
    o: SimpleNamespace,
) -> None:
    """The transfer list reads the transfer years within the longest inactive
    period: a local JRA longer than every national one widens it."""
    letter = old_letter(o, 1999)  # 000.1.1: national 1 + 1 years
    TenantClassificationCode.objects.create(
        tenant=o.tenant, code=letter.classification, retention_inactive_years=30
    )
    assert _years(letter.pk) == (2001, 2031, "musnah")
    units = Unit.objects.all()
    stored = set(
        due_rows(kind="pemindahan", today=TODAY, units=units).values_list(
            "letter_id", flat=True
        )
    )
    computed = set(
        due_letters(kind="pemindahan", today=TODAY).values_list("pk", flat=True)
    )
    assert letter.pk in stored and stored == computed
