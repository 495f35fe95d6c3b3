"""The text inside stored files: read from a PDF's own text layer, or recognised
(OCRmyPDF + Tesseract ``ind``) from a scan. One row per letter or follow-up file;
the original file is never modified, a searchable PDF/A is stored beside it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class TextState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Reading the text")
    DONE = "done", _("Text available")
    FAILED = "failed", _("Text recognition failed")


class TextSource(models.TextChoices):
    NONE = "", _("Not read yet")
    TEXT_LAYER = "text", _("The file's own text")
    OCR = "ocr", _("Recognised from the scan (OCR)")


#: What a failure code in ``FileText.error`` means, for the letter page.
ERRORS = {
    "timeout": _("the recognition took too long and was stopped"),
    "crashed": _("the recognition program stopped with an error"),
    "interrupted": _("the recognition was interrupted (the worker stopped)"),
    "damaged": _("the file is damaged or not a readable PDF or image"),
    "encrypted": _("the PDF is password-protected"),
    "missing_tool": _("the OCR software is not installed on the server"),
    "store_failed": _("the recognised text could not be stored"),
}


class FileText(TenantOwned):
    """The text of one stored file, as the search index reads it."""

    # The letter the text belongs to (for a follow-up file, the disposition's letter),
    # so the search index can gather a letter's texts with one query.
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, related_name="+"
    )
    letter_file = models.OneToOneField(
        "letters.LetterFile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="text",
    )
    followup_file = models.OneToOneField(
        "dispositions.FollowUpFile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="text",
    )
    state = models.CharField(
        max_length=10, choices=TextState.choices, default=TextState.PENDING
    )
    source = models.CharField(
        max_length=4, choices=TextSource.choices, default=TextSource.NONE, blank=True
    )
    text = models.TextField(blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # The searchable PDF/A made from a scan, in the default storage; empty otherwise.
    searchable_name = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A stable code (``ERRORS``) of the last failure; kept while a retry waits.
    error = models.TextField(blank=True)
    # When the next attempt after a failure may start (None: at once).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the current attempt started: a run that never ends is found by the sweep.
    started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("file text")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(letter_file__isnull=False, followup_file__isnull=True)
                    | models.Q(letter_file__isnull=True, followup_file__isnull=False)
                ),
                name="filetext_one_file",
            )
        ]
        indexes = [
            models.Index(fields=["letter"], name="filetext_letter"),
            models.Index(fields=["state"], name="filetext_state"),
        ]

    @property
    def error_label(self) -> str:
        return str(ERRORS.get(self.error, self.error))

    @property
    def file(self) -> Any:
        """The letter or follow-up file this is the text of."""
        return self.letter_file if self.letter_file_id else self.followup_file

    def __str__(self) -> str:
        return f"text of file {self.letter_file_id or self.followup_file_id}"
