"""Queueing the page pictures of a letter's PDFs (drawn by ``warkat.letters.pages``
on the "render" queue) with the transaction that stored them."""

from __future__ import annotations

from warkat.core.queue import enqueue_durable
from warkat.letters.models import Letter
from warkat.letters.pages import PDF
from warkat.letters.tasks import letter_pages_render


def pages_schedule(*, letter: Letter, content_types: list[str]) -> None:
    """Queue the page pictures of ``letter``'s PDFs with the current transaction
    (``core.queue``: nothing for a rolled-back change or when no PDF was stored)."""
    if PDF not in content_types:
        return
    enqueue_durable(
        letter_pages_render, tenant_id=letter.tenant_id, letter_id=letter.pk
    )
