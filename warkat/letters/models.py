"""Letters in both directions, their agenda counters, files and history.

One ``Letter`` table serves incoming letters (registered by TU or delivered inside
Warkat) and outgoing ones (drafted, reviewed, signed); direction-specific rules are
check constraints.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from warkat.letters.bulk import LetterManager
from warkat.tenancy.models import TenantOwned


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class Security(models.TextChoices):
    """Klasifikasi keamanan (sifat naskah)."""

    BIASA = "biasa", _("Ordinary (Biasa)")
    TERBATAS = "terbatas", _("Restricted (Terbatas)")
    RAHASIA = "rahasia", _("Secret (Rahasia)")
    SANGAT_RAHASIA = "sangat_rahasia", _("Top secret (Sangat Rahasia)")


#: Levels whose content only the addressees and the disposition chain may see.
SECRET_LEVELS = frozenset({Security.RAHASIA, Security.SANGAT_RAHASIA})
#: Security levels from the most open to the most closed: lowering one is
#: declassification (``warkat.letters.declassify``), never a correction.
SECURITY_ORDER = (
    Security.BIASA,
    Security.TERBATAS,
    Security.RAHASIA,
    Security.SANGAT_RAHASIA,
)
#: Outgoing letter statuses (the drafting workflow's) from which it is signed.
SIGNED_STATUSES = frozenset({"signed", "sent"})


class Urgency(models.TextChoices):
    """Derajat kecepatan."""

    BIASA = "biasa", _("Normal (Biasa)")
    SEGERA = "segera", _("Urgent (Segera)")
    AMAT_SEGERA = "amat_segera", _("Very urgent (Amat Segera)")


class IncomingStatus(models.TextChoices):
    """Status of an incoming letter, derived from its dispositions."""

    NEW = "new", _("Not yet disposed")
    DISPOSED = "disposed", _("Disposed")
    FOLLOWED_UP = "followed_up", _("Followed up")
    DONE = "done", _("Done")
    # Sent back to the records clerk (TU) by the addressee before any disposition.
    RETURNED = "returned", _("Returned to the records clerk (TU)")


class Letter(TenantOwned):
    """A naskah dinas. Incoming: registered by the receiving unit (or delivered from
    another unit/tenant through ``source_letter``). Outgoing: drafted in ``unit``."""

    Direction = Direction
    Security = Security
    Urgency = Urgency
    IncomingStatus = IncomingStatus

    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices
    )
    # Incoming: the receiving unit (its agenda book). Outgoing: the drafting unit.
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject (hal)"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    classification = models.ForeignKey(
        "archive.ClassificationCode",
        verbose_name=_("classification code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    security = models.CharField(
        _("security level"),
        max_length=16,
        choices=Security.choices,
        default=Security.BIASA,
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.BIASA
    )
    # The letter's own number and date: for incoming letters the sender's; for
    # outgoing letters allocated at signing.
    number = models.CharField(_("letter number"), max_length=120, blank=True)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    sender_institution = models.CharField(
        _("sender institution"), max_length=300, blank=True
    )
    sender_name = models.CharField(
        _("sender name/position"), max_length=200, blank=True
    )
    received_date = models.DateField(_("date received"), null=True, blank=True)
    addressed_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("addressed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Incoming agenda number, per (tenant, unit, direction, year), from AgendaCounter.
    agenda_year = models.PositiveSmallIntegerField(null=True, blank=True)
    agenda_number = models.PositiveIntegerField(
        _("agenda number"), null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=20, default=IncomingStatus.NEW)
    # When a holder of the addressed position first opened it.
    read_at = models.DateTimeField(null=True, blank=True)
    # Settled by the addressee without a disposition ("for information", filed).
    done_at = models.DateTimeField(null=True, blank=True)
    # Received as tembusan: read-only distribution, not disposed (reference §3.2);
    # settled when its addressee reads it, counted apart in the inbox.
    is_copy = models.BooleanField(_("copy (tembusan)"), default=False)
    # The letter as sent inside Warkat (possibly in another tenant) that this copy
    # was delivered from.
    source_letter = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Bulk writes tell the apps that keep copies of a letter's fields (``bulk``).
    objects: ClassVar[Any] = ScopedManager(
        _manager_class=LetterManager, tenant="tenant"
    )

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="letter_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(security__in=Security.values),
                name="letter_security_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=Urgency.values),
                name="letter_urgency_valid",
            ),
            # Outgoing statuses belong to the drafting workflow; incoming ones are
            # derived from dispositions.
            models.CheckConstraint(
                condition=models.Q(direction="outgoing")
                | models.Q(status__in=IncomingStatus.values),
                name="letter_incoming_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(direction="outgoing")
                | models.Q(
                    addressed_position__isnull=False,
                    received_date__isnull=False,
                    agenda_number__isnull=False,
                    agenda_year__isnull=False,
                ),
                name="letter_incoming_registered",
            ),
            models.UniqueConstraint(
                fields=["tenant", "unit", "direction", "agenda_year", "agenda_number"],
                condition=models.Q(agenda_number__isnull=False),
                name="letter_agenda_unique",
            ),
            # A letter sent inside Warkat is delivered once per addressed position.
            models.UniqueConstraint(
                fields=["source_letter", "addressed_position"],
                condition=models.Q(source_letter__isnull=False),
                name="letter_delivery_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "addressed_position", "-created_at", "-id"],
                name="letter_inbox",
            ),
            models.Index(
                fields=["tenant", "unit", "direction", "agenda_year", "agenda_number"],
                name="letter_agenda_book",
            ),
            models.Index(
                fields=["tenant", "number", "letter_date"], name="letter_duplicate"
            ),
            # Inbox counters: few letters are unread or not yet disposed, so these
            # stay small however many letters a position received.
            # (Index-only scans: every column the counters test is in the index.)
            models.Index(
                fields=["tenant", "addressed_position", "is_copy"],
                condition=models.Q(read_at__isnull=True, direction="incoming"),
                name="letter_unread",
            ),
            models.Index(
                fields=["tenant", "addressed_position", "read_at"],
                condition=models.Q(status="new", direction="incoming"),
                name="letter_not_disposed",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def audit_repr(self) -> str:
        """The audit log's name for the letter: a Rahasia or Sangat Rahasia letter
        by its level and agenda line or number only (auditors are not its readers)."""
        if self.is_secret:
            ref = self.agenda_label or self.number or f"#{self.pk}"
            # Fixed Indonesian words, not a translation: the name is stored (and
            # hashed) once, whatever language the recording user reads.
            kind = "surat masuk" if self.direction == "incoming" else "surat keluar"
            return f"[{self.security}] {kind} {ref}"
        return self.subject

    @property
    def is_secret(self) -> bool:
        return self.security in SECRET_LEVELS

    @property
    def is_signed(self) -> bool:
        """Signed in Warkat: an outgoing letter once signed, or the copy of one
        delivered to an inbox. Its content and files are written once; only new,
        linked records may follow (a correction letter, a note, a declassification)."""
        if self.direction == Direction.OUTGOING:
            return self.status in SIGNED_STATUSES
        return self.source_letter_id is not None

    @property
    def status_label(self) -> str:
        if self.is_copy:
            return str(_("Copy (tembusan)"))
        if (
            self.direction == Direction.INCOMING
            and self.status in IncomingStatus.values
        ):
            return str(IncomingStatus(self.status).label)
        return self.status

    @property
    def agenda_label(self) -> str:
        if self.agenda_number is None:
            return ""
        return f"{self.agenda_number}/{self.agenda_year}"


class AgendaCounter(TenantOwned):
    """The last agenda number used per unit, direction and year. Locked with
    ``select_for_update`` while a number is taken, so numbers never repeat."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agenda counter")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "unit", "direction", "year"],
                name="agenda_counter_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.direction}/{self.year}: {self.last_number}"


class StoredFile(TenantOwned):
    """A file kept in the default storage under ``{tenant}/{yyyy}/{mm}/{uuid}.ext``."""

    storage_name = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class LetterFile(StoredFile):
    """A scan or attachment of a letter."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Letter")
        ATTACHMENT = "attachment", _("Attachment")

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MAIN)

    class Meta:
        verbose_name = _("letter file")
        indexes = [models.Index(fields=["letter"], name="letterfile_letter")]


#: Labels of the history entries (``LetterEvent.kind``).
EVENT_LABELS = {
    "registered": _("Registered"),
    "delivered": _("Delivered inside Warkat"),
    "read": _("Opened by the addressee"),
    "disposed": _("Disposed"),
    "disposition_read": _("Disposition read"),
    "followed_up": _("Follow-up reported"),
    "declined": _("Disposition declined"),
    "closed": _("Disposition closed"),
    "returned": _("Disposition sent back"),
    "cancelled": _("Disposition cancelled"),
    "reminded": _("Deadline reminder sent"),
    "escalated": _("Overdue: escalated to the superior"),
    "done": _("Settled without a disposition"),
    "sent_to_tu": _("Returned to the records clerk (TU)"),
    "corrected": _("Registration data corrected"),
    "resent": _("Sent again to the addressee"),
    "declassified": _("Security level lowered (declassified)"),
    "destroyed": _("Files destroyed under a berita acara of destruction"),
}


class LetterEvent(TenantOwned):
    """The letter's history as shown on its page: registration, reads,
    dispositions and their transitions, reminders, escalations."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    # None for the system (periodic reminders and escalations).
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField(max_length=10, blank=True)
    position = models.ForeignKey(
        "org.Position",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disposition_id = models.BigIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("letter event")
        indexes = [models.Index(fields=["letter", "at"], name="letterevent_letter")]

    def __str__(self) -> str:
        return f"{self.letter_id} {self.kind}"

    @property
    def kind_label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class LetterFilePage(TenantOwned):
    """One page of a PDF letter file rendered as an image (``warkat.letters.pages``),
    so phones that cannot show a PDF inside a page read the letter as pictures."""

    #: Pages drawn of one file at most; the original PDF has the rest.
    MAX_PAGES = 30

    file = models.ForeignKey(LetterFile, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveSmallIntegerField()
    storage_name = models.CharField(max_length=300, unique=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("letter file page")
        constraints = [
            models.UniqueConstraint(
                fields=["file", "number"], name="letterfilepage_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_id} p.{self.number}"
