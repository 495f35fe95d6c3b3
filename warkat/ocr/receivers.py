"""``post_save`` receivers (connected in ``apps.OcrConfig.ready``): every new letter
or follow-up file gets its text row and queued reading, inside the transaction that
stores the file, without the letters or dispositions apps knowing about OCR."""

from __future__ import annotations

from typing import Any

from warkat.ocr.services import file_text_create


def letter_file_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        file_text_create(
            letter_id=instance.letter_id, stored=instance, field="letter_file"
        )


def followup_file_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        file_text_create(
            letter_id=instance.follow_up.disposition.letter_id,
            stored=instance,
            field="followup_file",
        )
