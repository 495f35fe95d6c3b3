"""Reads of the files' texts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from warkat.letters.access import is_tenant_admin, tu_unit_ids
from warkat.letters.errors import letter_not_found
from warkat.letters.models import Letter
from warkat.letters.selectors import letter_file_for_user, letter_full_for_user
from warkat.ocr.models import FileText, TextState


def letter_texts(letter_ids: Iterable[int]) -> dict[int, list[str]]:
    """The read texts of the given letters' files (letter and follow-up files),
    by letter id, in file order: also the text of a scan whose pages are read while
    its PDF/A is still being made (running), or whose PDF/A then failed (the text
    itself was read)."""
    texts: dict[int, list[str]] = defaultdict(list)
    rows = (
        FileText.objects.filter(letter_id__in=list(letter_ids))
        .exclude(text="")
        .order_by("letter_id", "id")
        .values_list("letter_id", "text")
    )
    for letter_id, text in rows:
        texts[letter_id].append(text)
    return dict(texts)


def letter_file_texts(*, letter_id: int) -> list[FileText]:
    """The text rows of a letter's files (its own and its follow-ups'), in the order
    the files were stored, with the files (one query). The caller has checked that
    the user may read the letter in full."""
    return list(
        FileText.objects.filter(letter_id=letter_id)
        .select_related("letter_file", "followup_file")
        .order_by("pk")
    )


def texts_context(*, user: Any, letter: Letter) -> dict[str, Any]:
    """What ``ocr/_texts.html`` shows on the page of a letter the user reads in
    full: each file's text state, whether to poll, whether to offer a new start."""
    texts = letter_file_texts(letter_id=letter.pk)
    return {
        "letter": letter,
        "file_texts": texts,
        "texts_waiting": any(
            t.state in (TextState.PENDING, TextState.RUNNING) for t in texts
        ),
        "texts_may_retry": is_tenant_admin(user) or letter.unit_id in tu_unit_ids(user),
    }


def file_text_for_user(*, user: Any, text_id: int) -> tuple[FileText, Letter]:
    """A file's text row and its letter, when ``user`` may open the file itself:
    the very check of the file's own download (``letter_file_for_user`` for a
    letter file, the follow-up file's letter read in full for a follow-up file);
    ``NotFound`` otherwise, so its existence is not revealed."""
    row = (
        FileText.objects.select_related(
            "letter_file", "followup_file__follow_up__disposition"
        )
        .filter(pk=text_id)
        .first()
    )
    if row is None:
        raise letter_not_found()
    if row.letter_file is not None:
        found = letter_file_for_user(
            user=user, letter_id=row.letter_file.letter_id, file_id=row.letter_file.pk
        )
        letter = letter_full_for_user(user=user, letter_id=found.letter_id)
    else:
        assert row.followup_file is not None
        letter = letter_full_for_user(
            user=user, letter_id=row.followup_file.follow_up.disposition.letter_id
        )
    return row, letter
