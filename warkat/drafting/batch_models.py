"""Signing several letters in one action (``drafting.batches``): the batch and
one line per letter with its outcome.

Both are written once and never changed: the batch when the signer has been
proven (one authenticator code for the whole batch), a line when its letter is
signed (in the signing's own last transaction, so a signed letter always has its
line) or when its signing failed. A letter of the batch without a line was not
reached: the process died, or the batch was stopped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned

#: Letters one batch may hold (the selection page lists at most this many).
BATCH_MAX = 100
#: The history event of a letter signed in a batch (``LetterEvent.kind``).
SIGNED_IN_BATCH = "signed_in_batch"
BATCH_EVENT_LABELS = {SIGNED_IN_BATCH: _("Signed (in a batch with one code)")}


class SigningBatch(TenantOwned):
    """Letters a signer signed together with one authenticator code."""

    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signer_person = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    #: The letters asked for, in order (draft ids).
    draft_ids = models.JSONField(default=list)

    class Meta:
        verbose_name = _("signing batch")
        indexes = [
            models.Index(
                fields=["tenant", "signer", "-started_at"], name="batch_signer"
            )
        ]

    def __str__(self) -> str:
        return f"batch {self.pk} ({len(self.draft_ids)})"

    @property
    def size(self) -> int:
        return len(self.draft_ids)


class BatchOutcome(models.TextChoices):
    SIGNED = "signed", _("Signed")
    FAILED = "failed", _("Not signed")


class SigningBatchItem(TenantOwned):
    """What happened to one letter of a batch."""

    Outcome = BatchOutcome

    batch = models.ForeignKey(
        SigningBatch, on_delete=models.PROTECT, related_name="items"
    )
    draft = models.ForeignKey(
        "drafting.Draft", on_delete=models.PROTECT, related_name="batch_items"
    )
    outcome = models.CharField(max_length=10, choices=BatchOutcome.choices)
    #: The number the letter got (signed) or the error (not signed).
    number = models.CharField(max_length=120, blank=True)
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("signing batch line")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "draft"], name="batch_item_once_per_letter"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=BatchOutcome.values),
                name="batch_item_outcome_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="signed") | ~models.Q(number=""),
                name="batch_item_signed_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.draft_id}: {self.outcome}"


class RenderAhead(TenantOwned):
    """An approved letter's PDF rendered before its signing (``drafting.ahead``),
    with a placeholder number whose digits the signing replaces, for one day and
    one verification code. Used only when the letter's document, built again at
    signing with the placeholder, hashes to ``key``; deleted when it is signed."""

    draft = models.OneToOneField(
        "drafting.Draft", on_delete=models.CASCADE, related_name="render_ahead"
    )
    #: SHA-256 of the HTML document and the attachments' storage names.
    key = models.CharField(max_length=64)
    #: The letter date it was rendered with (the tenant's day of the signing).
    day = models.DateField()
    verification_code = models.CharField(max_length=64)
    placeholder = models.CharField(max_length=120)
    pdf = models.BinaryField()
    #: The placeholder's glyph run in ``pdf`` and how often it appears there.
    run = models.BinaryField()
    run_count = models.PositiveSmallIntegerField()
    #: Digit → glyph code in the number's font.
    digits = models.JSONField(default=dict)
    pages = models.PositiveIntegerField()
    #: The visible signature's box: [page, x1, y1, x2, y2], or [] when none.
    signature_box = models.JSONField(default=list)
    rendered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("letter rendered ahead")

    def __str__(self) -> str:
        return f"render ahead {self.draft_id} ({self.day})"
