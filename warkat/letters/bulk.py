"""Bulk writes of letters that other apps' stored copies depend on.

A queryset's ``update()`` (and ``bulk_update()``, which writes through it, one
``update()`` per batch) sends no ``post_save``: the
archive's stored due years (``LetterDue``) and the search index, kept by
``post_save`` receivers, would silently go stale. ``Letter.objects`` uses
``LetterQuerySet``: when a bulk write touches a field some app registered
(``bulk_fields_watch``, in its ``ready()``), the ids of the touched letters are
read first and ``letters_updated`` is sent after the write, inside the same
transaction, so the listeners rewrite their rows before it commits (or are
rolled back with it). Writes touching no watched field (a status, a read time)
cost nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.dispatch import Signal

#: Sent with ``letter_ids`` (list of ints, the letters written, in the current
#: tenant's scope) and ``fields`` (frozenset of field names written).
letters_updated = Signal()

_WATCHED: set[str] = set()


def bulk_fields_watch(fields: Iterable[str]) -> None:
    """Ask for ``letters_updated`` when a bulk write touches one of ``fields``
    (field names, not column names: ``classification``, not ``classification_id``)."""
    _WATCHED.update(fields)


def _names(model: type[models.Model], fields: Iterable[str]) -> frozenset[str]:
    """Field names of ``fields`` given as names or attnames (``unit_id``)."""
    by_attname = {
        f.attname: f.name for f in model._meta.concrete_fields if f.attname != f.name
    }
    return frozenset(by_attname.get(name, name) for name in fields)


class LetterQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def update(self, **kwargs: Any) -> int:
        fields = _names(self.model, kwargs)
        if not fields & _WATCHED:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            # The ids before the write: its filter may no longer match after it.
            ids = list(self.values_list("pk", flat=True))
            done = super().update(**kwargs)
            if ids:
                letters_updated.send(sender=self.model, letter_ids=ids, fields=fields)
        return done


LetterManager = models.Manager.from_queryset(LetterQuerySet)
