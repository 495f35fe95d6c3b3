"""Keeping the search index in step with the letters: which texts of a letter are
searchable, and writing its ``SearchDoc`` row. Called by the signal receivers
inside the transaction that changed the letter, and by ``search_reindex``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_scopes.exceptions import ScopeError

from warkat.dispositions.models import Disposition, FollowUp
from warkat.letters.models import Letter, LetterEvent
from warkat.ocr.models import FileText
from warkat.search.models import SearchDoc
from warkat.search.text import token_string
from warkat.tenancy.scope import current_tenant

#: The letter's own fields the index reads: a save touching none of them (a read
#: receipt, a status change) leaves the index alone (``receivers``).
LETTER_FIELDS = (
    "number",
    "agenda_number",
    "agenda_year",
    "sender_institution",
    "sender_name",
    "subject",
    "summary",
)


@dataclass
class LetterTexts:
    """A letter's searchable texts, labelled for snippets, in the order shown."""

    head: list[tuple[str, str]] = field(default_factory=list)
    body: list[tuple[str, str]] = field(default_factory=list)


#: Kinds of text besides the letter's own fields, in the order they are shown.
_NOTE, _DISPOSITION, _FOLLOW_UP, _FILE = range(4)
_LABELS = {_NOTE: "note", _DISPOSITION: "disposition", _FOLLOW_UP: "follow_up"}


def _table(model: Any, *fields: str) -> tuple[str, ...]:
    """The table of ``model`` and the columns of its ``fields``."""
    meta = model._meta
    return (meta.db_table, *(meta.get_field(f).column for f in fields))


@lru_cache(maxsize=64)
def _other_texts_sql(count: int) -> str:
    """The statement of ``_other_texts`` for ``count`` letter ids (each part takes
    the tenant's id, then the ids: PostgreSQL as one array, ``count`` 0). Written
    once per size, not built by the ORM on every search (it cost about a fifth of
    a search request's CPU)."""
    ids = ", ".join(["%s"] * count) if count else "SELECT unnest(%s)"
    events, e_letter, e_at, e_note = _table(LetterEvent, "letter", "at", "note")
    dispositions, d_letter, d_sent = _table(Disposition, "letter", "sent_at")
    follow_ups, f_disp, f_at, f_text = _table(
        FollowUp, "disposition", "created_at", "text"
    )
    files, t_letter, t_text = _table(FileText, "letter", "text")
    parts = [
        f"SELECT {e_letter}, {_NOTE}, {e_at}, id, 0, {e_note} FROM {events} "
        f"WHERE tenant_id = %s AND {e_letter} IN ({ids}) AND {e_note} <> ''"
    ]
    for part, text in enumerate(("note", "state_note")):
        parts.append(
            f"SELECT {d_letter}, {_DISPOSITION}, {d_sent}, id, {part}, {text} "
            f"FROM {dispositions} WHERE tenant_id = %s AND {d_letter} IN ({ids}) "
            f"AND {text} <> ''"
        )
    parts.append(
        f"SELECT d.{d_letter}, {_FOLLOW_UP}, f.{f_at}, f.id, 0, f.{f_text} "
        f"FROM {follow_ups} f JOIN {dispositions} d ON d.id = f.{f_disp} "
        f"WHERE f.tenant_id = %s AND d.{d_letter} IN ({ids})"
    )
    # Any state: a scan's text is found while its PDF/A is made, and stays found
    # if that fails (ocr.selectors.letter_texts, the same rule).
    parts.append(
        f"SELECT {t_letter}, {_FILE}, NULL, id, 0, {t_text} FROM {files} "
        f"WHERE tenant_id = %s AND {t_letter} IN ({ids}) AND {t_text} <> ''"
    )
    return " UNION ALL ".join(parts)


def _other_texts(ids: list[int]) -> list[tuple[Any, ...]]:
    """Event notes, disposition notes, follow-ups and file texts of the letters
    ``ids`` of the scoped tenant in one statement: (letter id, kind, time, row id,
    part, text). Outside a tenant scope it refuses, as the tenant-owned models'
    managers do (and on PostgreSQL the row-level policies see to it as well)."""
    tenant = current_tenant()
    if tenant is None:
        raise ScopeError("the search index reads texts in a tenant scope only")
    if not ids:
        return []
    params: list[Any]
    if connection.vendor == "postgresql":
        sql, params = _other_texts_sql(0), [tenant.pk, ids] * 5
    else:
        sql, params = _other_texts_sql(len(ids)), [tenant.pk, *ids] * 5
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # In the order shown: by kind, then in time (files: as stored), one row's
    # texts in field order. (SQLite gives times as text: ISO, in UTC, so they sort
    # as the times do.)
    rows.sort(key=lambda r: (r[1], r[2] is not None, r[2] or _EPOCH, r[3], r[4]))
    return rows


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def gather_texts(
    letter_ids: Iterable[int], *, letters: Iterable[Letter] | None = None
) -> dict[int, LetterTexts]:
    """The searchable texts of the given letters, in two queries (one when the
    caller has read the ``letters`` already, with every field of ``LETTER_FIELDS``)."""
    ids = list(letter_ids)
    out: dict[int, LetterTexts] = defaultdict(LetterTexts)
    if letters is None:
        letters = Letter.objects.filter(pk__in=ids).only("pk", *LETTER_FIELDS)
    for letter in letters:
        head = out[letter.pk].head
        head.append(("number", f"{letter.number} {letter.agenda_label}".strip()))
        head.append(("sender", f"{letter.sender_institution} {letter.sender_name}"))
        head.append(("subject", letter.subject))
        head.append(("summary", letter.summary))
    for letter_id, kind, _at, _pk, _part, text in _other_texts(ids):
        if kind == _FILE:
            out[letter_id].body.append(("file", text))
        else:
            out[letter_id].head.append((_LABELS[kind], text))
    return {pk: out[pk] for pk in ids if pk in out}


def _strings(texts: LetterTexts) -> tuple[str, str, str]:
    """Tokens of the sender, of the rest of the head, and of the files."""
    return (
        token_string(*(t for label, t in texts.head if label == "sender")),
        token_string(*(t for label, t in texts.head if label != "sender")),
        token_string(*(t for _label, t in texts.body)),
    )


def search_docs_refresh(*, letter_ids: Iterable[int]) -> int:
    """(Re)write the index rows of the given letters of the current tenant; rows of
    letters that no longer exist are removed. Returns the number written."""
    ids = sorted(set(letter_ids))
    if not ids:
        return 0
    # No savepoint when nested (a signing refreshes its letter inside its own
    # transaction): a refresh that fails fails the writing service anyway.
    with transaction.atomic(savepoint=False):
        letters = list(
            Letter.objects.filter(pk__in=ids).only("pk", "tenant_id", *LETTER_FIELDS)
        )
        gathered = gather_texts(ids, letters=letters)
        tenants = {letter.pk: letter.tenant_id for letter in letters}
        # One letter (a service refreshing its own): its row updated straight
        # away, made if there was none; several (a rebuild): which have a row is
        # read first.
        existing = (
            None
            if len(ids) == 1
            else set(
                SearchDoc.objects.filter(letter_id__in=ids).values_list(
                    "letter_id", flat=True
                )
            )
        )
        gone = [
            pk
            for pk in ids
            if pk not in gathered and (existing is None or pk in existing)
        ]
        if gone:
            SearchDoc.objects.filter(letter_id__in=gone).delete()
        create: list[SearchDoc] = []
        now = timezone.now()
        for letter_id, texts in gathered.items():
            sender, head, body = _strings(texts)
            updated = 0
            if existing is None or letter_id in existing:
                # One UPDATE per row keeps SQLite's FTS triggers (per row) simple.
                updated = SearchDoc.objects.filter(letter_id=letter_id).update(
                    sender=sender, head=head, body=body, updated_at=now
                )
            if not updated:
                create.append(
                    SearchDoc(
                        letter_id=letter_id, tenant_id=tenants[letter_id],
                        sender=sender, head=head, body=body,
                    )
                )  # fmt: skip
        if create:
            SearchDoc.objects.bulk_create(create)
        return len(gathered)


def letter_id_batches(*, size: int = 500) -> Iterator[list[int]]:
    """All letter ids of the current tenant, in batches (for a rebuild)."""
    last = 0
    while True:
        batch = list(
            Letter.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]


def search_index_rebuild(*, batch: int = 500) -> int:
    """Rebuild the current tenant's index: every letter's row rewritten, in
    batches (one transaction each, so a long rebuild holds no lock for long)."""
    done = 0
    for ids in letter_id_batches(size=batch):
        done += search_docs_refresh(letter_ids=ids)
    return done
