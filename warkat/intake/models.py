"""Letters from outside: IMAP mailboxes of receiving units, the items they (and
exchange packages) bring in, and the PDF files of those items.

An ``InboundItem`` is a draft: nothing enters an agenda book until a records clerk
(TU) completes it through ``letters.services.registration.letter_register``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.letters.models import StoredFile
from warkat.tenancy.models import TenantOwned


class Mailbox(TenantOwned):
    """The IMAP mailbox of one receiving unit; the password is sealed at rest
    (``warkat.core.secrets``, label ``intake-mailbox:<unit id>``)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_tls = models.BooleanField(_("TLS"), default=True)
    username = models.CharField(_("user name"), max_length=255)
    password_sealed = models.TextField(editable=False)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    enabled = models.BooleanField(_("enabled"), default=True)
    #: IMAP bookkeeping: messages up to ``last_uid`` of ``uidvalidity`` are handled.
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit"], name="intake_mailbox_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"

    @staticmethod
    def secret_label(unit_id: int) -> str:
        """The label the password is sealed under (bound to the unit)."""
        return f"intake-mailbox:{unit_id}"


class InboundItem(TenantOwned):
    """One e-mail or exchange package waiting for (or refused from) registration."""

    class Source(models.TextChoices):
        MAIL = "mail", _("E-mail")
        EXCHANGE = "exchange", _("Exchange package")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the TU")
        REFUSED = "refused", _("Refused")
        REGISTERED = "registered", _("Registered")
        DISCARDED = "discarded", _("Discarded")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    state = models.CharField(max_length=12, choices=State.choices)
    message_id = models.CharField(max_length=998, blank=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    sender_email = models.CharField(_("sender address"), max_length=320, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    #: Why the item was refused or discarded, in Indonesian and English.
    reason = models.TextField(blank=True)
    reason_en = models.TextField(blank=True)
    #: Names of attachments that are not PDF files (not imported).
    ignored_files = models.JSONField(default=list, blank=True)
    #: Exchange packages: the package metadata and the signature verification.
    metadata = models.JSONField(default=dict, blank=True)
    verification = models.JSONField(default=dict, blank=True)
    letter = models.ForeignKey(
        "letters.Letter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"],
                condition=models.Q(mailbox__isnull=False, uid__isnull=False),
                name="intake_item_uid_once",
            ),
            models.UniqueConstraint(
                fields=["mailbox", "message_id"],
                condition=models.Q(mailbox__isnull=False) & ~models.Q(message_id=""),
                name="intake_item_message_once",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["pending", "refused", "registered", "discarded"]
                ),
                name="intake_item_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="intake_item_unit_state")
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id or str(self.pk)


class InboundFile(StoredFile):
    """A PDF of an inbound item, stored like letter files."""

    item = models.ForeignKey(
        InboundItem, on_delete=models.CASCADE, related_name="files"
    )

    class Meta:
        ordering = ["pk"]
