"""The search index: one row per letter with its tokens (``warkat.search.text``).

``sender`` holds the tokens of the sender (institution and name), ``head`` those of
the rest of what identifies the letter (numbers, subject, summary, notes,
dispositions and follow-ups), ``body`` those of its files' texts. On PostgreSQL the
table also has a generated ``tsv`` column (``simple`` config over the tokens: head
weighted A, sender B — the inbox's sender filter matches ``:B`` only — body D) with
a GIN index, read only through the
security-definer function ``warkat_search_match`` (see ``engine``); on SQLite an
FTS5 table ``search_fts`` kept in step by triggers. Both are made by migration 0001.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class SearchDoc(TenantOwned):
    # Row-level security stays enabled, but not forced on the owner: the owner's
    # security-definer search function must reach the GIN index, which PostgreSQL
    # refuses to use under a policy (``@@`` is not leakproof). See ``engine``.
    rls_forced = False

    letter = models.OneToOneField(
        "letters.Letter", on_delete=models.CASCADE, related_name="+"
    )
    sender = models.TextField(blank=True)
    head = models.TextField(blank=True)
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search index entry")

    def __str__(self) -> str:
        return f"search entry of letter {self.letter_id}"
