"""Dispositions addressed to positions, their reads and follow-ups, instructions,
working-day calendars and per-tenant disposition settings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.letters.models import StoredFile
from warkat.tenancy.models import TenantOwned


class State(models.TextChoices):
    SENT = "sent", _("Unread")
    READ = "read", _("Read")
    FORWARDED = "forwarded", _("Disposed further")
    FOLLOWED_UP = "followed_up", _("Followed up")
    DECLINED = "declined", _("Declined")
    RETURNED = "returned", _("Sent back")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which the recipient still owes work (overdue once past the deadline).
OPEN_STATES = frozenset({State.SENT, State.READ, State.FORWARDED, State.RETURNED})
#: States counted as "belum ditindaklanjuti": read (or sent back) but not acted on.
PENDING_STATES = frozenset({State.READ, State.RETURNED})
FINAL_STATES = frozenset({State.CLOSED, State.CANCELLED})


class Capacity(models.TextChoices):
    DEFINITIF = "definitif", _("Definitive")
    PLT = "plt", "Plt."
    PLH = "plh", "Plh."


class Disposition(TenantOwned):
    """One hop of a disposition tree: from a position to a position, about a letter.

    ``parent`` is the disposition the sender received (None when the sender is the
    letter's addressee). Who acted is recorded as a person plus the capacity in which
    they held the position that day.
    """

    State = State
    Capacity = Capacity

    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, related_name="dispositions"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    from_position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    from_person = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="+"
    )
    from_capacity = models.CharField(max_length=10, choices=Capacity.choices)
    to_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("to position"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Snapshot of the instruction labels chosen (the tenant's list may change later).
    instructions = models.JSONField(_("instructions"), default=list)
    note = models.TextField(_("note"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SENT
    )
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    followed_up_at = models.DateTimeField(null=True, blank=True)
    # Last transition by either side: reason (decline), note (close/return).
    state_note = models.TextField(blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_changed_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state_changed_capacity = models.CharField(max_length=10, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # From the instructions chosen, fixed when sent (the tenant's list may change).
    for_information = models.BooleanField(default=False)
    report_required = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=State.values),
                name="disposition_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(from_capacity__in=Capacity.values),
                name="disposition_capacity_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_position=models.F("to_position")),
                name="disposition_not_to_self",
            ),
            models.CheckConstraint(
                condition=models.Q(state="sent")
                | models.Q(read_at__isnull=False)
                | models.Q(state="cancelled"),
                name="disposition_read_recorded",
            ),
            # One live disposition per sender position, recipient and letter.
            models.UniqueConstraint(
                fields=["letter", "from_position", "to_position"],
                condition=~models.Q(state="cancelled"),
                name="disposition_unique_live",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "to_position", "-sent_at", "-id"],
                name="disposition_inbox",
            ),
            # Inbox counters: only open dispositions, answered from the index alone.
            models.Index(
                fields=["tenant", "to_position", "state", "deadline"],
                condition=models.Q(state__in=["sent", "read", "forwarded", "returned"]),
                name="disposition_open",
            ),
            # The dispositions a position sent, newest first, and those waiting for
            # the sender's decision (reported or declined).
            models.Index(
                fields=["tenant", "from_position", "-sent_at", "-id"],
                name="disposition_sent",
            ),
            models.Index(
                fields=["tenant", "from_position"],
                condition=models.Q(state__in=["followed_up", "declined"]),
                name="disposition_awaiting",
            ),
            models.Index(fields=["letter", "sent_at"], name="disposition_letter"),
            models.Index(
                fields=["tenant", "state", "deadline"], name="disposition_deadline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.from_position_id}→{self.to_position_id}"


class DispositionRead(TenantOwned):
    """Every time a holder of the recipient position opened the disposition."""

    disposition = models.ForeignKey(
        Disposition, on_delete=models.PROTECT, related_name="reads"
    )
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=10, choices=Capacity.choices)
    read_at = models.DateTimeField()

    class Meta:
        verbose_name = _("disposition read")
        indexes = [
            models.Index(fields=["disposition", "read_at"], name="dispread_disp")
        ]

    def __str__(self) -> str:
        return f"{self.disposition_id} {self.person_id} {self.read_at}"


class FollowUp(TenantOwned):
    """A tindak lanjut report on a disposition."""

    disposition = models.ForeignKey(
        Disposition, on_delete=models.PROTECT, related_name="follow_ups"
    )
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=10, choices=Capacity.choices)
    text = models.TextField(_("follow-up"))
    # The letter written in reply, when there is one.
    reply_letter = models.ForeignKey(
        "letters.Letter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("follow-up")
        indexes = [models.Index(fields=["disposition"], name="followup_disp")]

    def __str__(self) -> str:
        return f"{self.disposition_id}: {self.text[:40]}"

    @property
    def audit_repr(self) -> str:
        # The report's text stays in the letter's chain, out of the audit log.
        return f"follow-up {self.pk} of disposition {self.disposition_id}"


class FollowUpFile(StoredFile):
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.PROTECT, related_name="files"
    )

    class Meta:
        verbose_name = _("follow-up file")


class Instruction(TenantOwned):
    """An instruction a disposer can pick ("Tindak lanjuti", "Pelajari" …)."""

    label = models.CharField(_("instruction"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # "Untuk diketahui": a disposition with only such instructions is settled when
    # read (no deadline, no reminders).
    closes_on_read = models.BooleanField(_("closes when read"), default=False)
    # "Laporkan hasilnya": the disposer cannot close it before a follow-up report.
    requires_report = models.BooleanField(_("requires a report"), default=False)

    class Meta:
        verbose_name = _("instruction")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "label"], name="instruction_label_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class DispositionSettings(TenantOwned):
    """Per-tenant disposition rules."""

    # Allow disposing to positions at the same level (same superior) for coordination.
    allow_same_level = models.BooleanField(
        _("allow same-level coordination"), default=False
    )
    # Working days before the deadline when holders are reminded.
    remind_days_before = models.PositiveSmallIntegerField(default=1)
    # Default deadline in working days per urgency (the SLA table).
    days_amat_segera = models.PositiveSmallIntegerField(default=1)
    days_segera = models.PositiveSmallIntegerField(default=2)
    days_biasa = models.PositiveSmallIntegerField(default=5)

    class Meta:
        verbose_name = _("disposition settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="disposition_settings_one"),
        ]

    def __str__(self) -> str:
        return f"settings {self.tenant_id}"


class TenantHoliday(TenantOwned):
    """A non-working day the tenant adds (local holiday, office closure)."""

    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("holiday")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "date"], name="holiday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
