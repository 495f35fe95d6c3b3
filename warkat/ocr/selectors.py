"""Reads of the files' texts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from warkat.ocr.models import FileText, TextState


def letter_texts(letter_ids: Iterable[int]) -> dict[int, list[str]]:
    """The read texts of the given letters' files (letter and follow-up files),
    by letter id, in file order."""
    texts: dict[int, list[str]] = defaultdict(list)
    rows = (
        FileText.objects.filter(letter_id__in=list(letter_ids), state=TextState.DONE)
        .exclude(text="")
        .order_by("letter_id", "id")
        .values_list("letter_id", "text")
    )
    for letter_id, text in rows:
        texts[letter_id].append(text)
    return dict(texts)
