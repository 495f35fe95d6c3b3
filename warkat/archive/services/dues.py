"""Keeping ``LetterDue`` (the stored due years) in step with the letters and the
tenant's local JRA. Called by the signal receivers inside the writing transaction,
by the migration that fills the table, and by ``archive_dues_refresh``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet

from warkat.archive.models import LetterDue
from warkat.archive.selectors.disposal import with_retention
from warkat.letters.models import Letter

#: The letter fields the due dates depend on: a save touching none of them (a read
#: receipt, a status change) leaves the stored dates alone.
LETTER_FIELDS = frozenset(
    {"classification", "received_date", "letter_date", "direction", "unit", "tenant"}
)


#: Letters whose rows one statement rewrites after a bulk update.
REFRESH_BATCH = 5000


def _write(letters: QuerySet[Letter]) -> int:
    """Insert the due years of ``letters`` in one statement (computed in the
    database by ``with_retention``); letters without retention are left out."""
    qs = with_retention(letters).annotate(
        transfer_year=F("record_year") + 1 + F("active_years"),
        final_year=F("record_year") + 1 + F("active_years") + F("inactive_years"),
    )
    fields = ("id", "tenant_id", "unit_id", "record_date", "transfer_year")
    sql, params = qs.values(*fields, "final_year", "final").query.sql_with_params()
    table = LetterDue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (letter_id, tenant_id, unit_id, record_date, "
            "transfer_year, final_year, final) SELECT q.id, q.tenant_id, q.unit_id, "
            "q.record_date, q.transfer_year, q.final_year, q.final "
            f"FROM ({sql}) q",
            params,
        )
        return int(cursor.rowcount)


def letter_dues_refresh(*, letter_ids: Iterable[int]) -> int:
    """(Re)write the stored due years of the given letters of the current tenant;
    a letter without retention (no code, a grouping code) has no row. Returns the
    number of rows written."""
    ids = sorted(set(letter_ids))
    if not ids:
        return 0
    # No savepoint when nested (a letter saved inside its service's transaction,
    # e.g. each letter of a signing batch): a failure fails that service anyway.
    with transaction.atomic(savepoint=False):
        LetterDue.objects.filter(letter_id__in=ids).delete()
        return _write(Letter.objects.filter(pk__in=ids))


def code_dues_refresh(*, code_id: int) -> int:
    """The tenant changed its local JRA for a code: rewrite its letters' rows."""
    with transaction.atomic():
        LetterDue.objects.filter(letter__classification_id=code_id).delete()
        return _write(Letter.objects.filter(classification_id=code_id))


def all_dues_refresh() -> int:
    """Every letter of the current tenant (the migration that fills the table)."""
    with transaction.atomic():
        LetterDue.objects.all().delete()
        return _write(Letter.objects.all())


def letter_saved(sender: Any, instance: Letter, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and not (LETTER_FIELDS & {f for f in fields}):
        return
    letter_dues_refresh(letter_ids=[instance.pk])


def letters_bulk_updated(
    sender: Any, letter_ids: list[int], fields: frozenset[str], **kwargs: Any
) -> None:
    """A queryset ``update()`` of fields the due years depend on (``letters.bulk``):
    the touched letters' rows rewritten in the same transaction, in batches."""
    if not LETTER_FIELDS & fields:
        return
    for start in range(0, len(letter_ids), REFRESH_BATCH):
        letter_dues_refresh(letter_ids=letter_ids[start : start + REFRESH_BATCH])


def local_code_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    code_dues_refresh(code_id=instance.code_id)
