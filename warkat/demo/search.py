"""The demo's search index: rebuilt once the demo's letters, dispositions and
follow-ups exist (rows bulk-written by a builder send no signals)."""

from __future__ import annotations

from warkat.search.index import search_index_rebuild
from warkat.tenancy.models import Tenant


def demo_search_index(*, tenant: Tenant) -> int:
    """Index every letter of ``tenant`` (inside its scope)."""
    return search_index_rebuild()
