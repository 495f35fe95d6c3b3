"""The command centre's tables: figures computed once and kept.

``UnitDay`` and ``PersonDay`` hold one row per unit (or person) and local day of the
tenant, only for days on which something happened. They are derived data: every
column is a function of the source rows of letters, dispositions, drafting, the
audit log and the attendance day statuses, recomputed by ``warkat.dashboard.rebuild``
(periodically for today and yesterday, on demand for any period). Pages read these
tables, never the letters.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned

#: The counters of a unit's day, in the order the API and the pages show them.
UNIT_COUNTERS = (
    "letters_in",
    "letters_in_paper",
    "letters_sent",
    "signed_tte",
    "numbered_paper",
    "drafts_created",
    "review_returns",
    "disp_made",
    "disp_received",
    "disp_read",
    "disp_followed_up",
    "disp_due",
    "disp_due_on_time",
    "disp_overdue_open",
    "active_users",
    "att_present",
    "att_late",
    "att_absent",
    "att_leave",
    "att_duty",
)

#: The counters of a person's day (the evidence of the monthly kinerja page).
PERSON_COUNTERS = (
    "disp_received",
    "disp_due",
    "disp_due_on_time",
    "followups",
    "followups_on_time",
    "drafts_written",
    "letters_signed",
    "disp_made",
)


def _counter(label: Any) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0)


class UnitDay(TenantOwned):
    """What happened in one unit on one local day (and what was still overdue at its
    end). Dispositions count for the recipient's unit, except ``disp_made``."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    letters_in = _counter(_("incoming letters registered"))
    letters_in_paper = _counter(_("of which registered from paper"))
    letters_sent = _counter(_("outgoing letters sent"))
    signed_tte = _counter(_("letters signed electronically"))
    numbered_paper = _counter(_("numbers taken for paper letters"))
    drafts_created = _counter(_("drafts started"))
    review_returns = _counter(_("drafts returned in review"))
    disp_made = _counter(_("dispositions made"))
    disp_received = _counter(_("dispositions received"))
    disp_read = _counter(_("dispositions read"))
    disp_followed_up = _counter(_("dispositions followed up"))
    disp_due = _counter(_("dispositions due"))
    disp_due_on_time = _counter(_("dispositions followed up by their deadline"))
    disp_overdue_open = _counter(_("dispositions overdue at the end of the day"))
    active_users = _counter(_("active users"))
    # People of the unit by their attendance status that day (e-absen).
    att_present = _counter(_("present"))
    att_late = _counter(_("late (TL)"))
    att_absent = _counter(_("absent without reason (TK)"))
    att_leave = _counter(_("on leave (izin, sakit, cuti)"))
    att_duty = _counter(_("on official duty (dinas luar)"))
    # Minutes from sending to first reading / to follow-up of each disposition read or
    # followed up that day: medians over any period stay exact.
    read_minutes = models.JSONField(default=list)
    follow_minutes = models.JSONField(default=list)
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("unit figures of a day")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "unit", "day"], name="dashboard_unitday_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "day", "unit"], name="dashboard_unitday_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class PersonDay(TenantOwned):
    """What one person did on one local day (kinerja evidence)."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    disp_received = _counter(_("dispositions received"))
    disp_due = _counter(_("dispositions due"))
    disp_due_on_time = _counter(_("dispositions followed up by their deadline"))
    followups = _counter(_("follow-up reports"))
    followups_on_time = _counter(_("follow-up reports by the deadline"))
    drafts_written = _counter(_("drafts written"))
    letters_signed = _counter(_("letters signed"))
    disp_made = _counter(_("dispositions made"))
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("person figures of a day")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "person", "day"], name="dashboard_personday_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "day", "person"], name="dashboard_personday_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"


class DirtyDay(TenantOwned):
    """A local day of a tenant whose figures changed since they were computed: marked
    inside the transaction of the event (an audited action, a check-in) and cleared
    by the task that recomputes the day (``warkat.dashboard.events``)."""

    day = models.DateField(_("day"))
    events = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("day whose figures changed")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day"], name="dashboard_dirtyday_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.day}"


class Rating(models.TextChoices):
    """PermenPANRB 6/2022 predikat kinerja."""

    SANGAT_BAIK = "sangat_baik", _("Sangat Baik")
    BAIK = "baik", _("Baik")
    BUTUH_PERBAIKAN = "butuh_perbaikan", _("Butuh Perbaikan")
    KURANG = "kurang", _("Kurang")
    SANGAT_KURANG = "sangat_kurang", _("Sangat Kurang")


class Assessment(TenantOwned):
    """A superior's monthly assessment of a subordinate's position holder."""

    Rating = Rating

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    # The first day of the month assessed.
    month = models.DateField(_("month"))
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    note = models.TextField(_("note"), blank=True)
    assessor = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="+"
    )
    assessor_position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    assessor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("performance assessment")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "person", "month"], name="dashboard_assessment_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__in=Rating.values),
                name="dashboard_assessment_rating_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m} {self.rating}"

    @property
    def audit_repr(self) -> str:
        # The rating and note are personnel data: the log names only whose and when.
        return f"assessment of person {self.person_id} for {self.month:%Y-%m}"


class AdoptionSnapshot(TenantOwned):
    """A tenant's adoption figures per unit, as of one refresh: aggregates only.

    The one table a host province reads across its hosted tenants (through
    ``warkat.dashboard.adoption``): counts, never names, letters or attendance.
    ``unit`` is null on the tenant's own total row.
    """

    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Copied so a host can label rows without reading the hosted tenant's units.
    unit_name = models.CharField(max_length=200, blank=True)
    unit_kind = models.CharField(max_length=20, blank=True)
    accounts = _counter(_("accounts"))
    accounts_active_30d = _counter(_("accounts active in the last 30 days"))
    letters_in_system = _counter(_("letters received through the system (30 days)"))
    letters_in_paper = _counter(_("letters registered from paper (30 days)"))
    letters_out = _counter(_("outgoing letters (30 days)"))
    letters_out_tte = _counter(_("outgoing letters signed with TTE (30 days)"))
    signers = _counter(_("signers"))
    signers_certified = _counter(_("signers with a certificate"))
    never_logged_in = models.BooleanField(default=False)
    as_of = models.DateField(_("as of"))
    refreshed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("adoption figures")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "unit"],
                condition=models.Q(unit__isnull=False),
                name="dashboard_adoption_unit_unique",
            ),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(unit__isnull=True),
                name="dashboard_adoption_total_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.unit_name or 'total'}"


# --- data requests for the public portal (Satu Data) ---------------------------------


class ColumnType(models.TextChoices):
    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    DATE = "date", _("Date")


class DataRequest(TenantOwned):
    """A request from a unit (the walidata, usually Diskominfo) to SKPD positions for a
    table with named, typed columns, for a period, by a working-day deadline."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    period = models.CharField(_("period"), max_length=60)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60, blank=True)
    # [{"name": "Jumlah penduduk", "type": "integer"}, …]
    columns = models.JSONField(_("columns"))
    requester_position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("data request")
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="dashboard_datareq_new")
        ]

    def __str__(self) -> str:
        return self.title


class TargetState(models.TextChoices):
    PENDING = "pending", _("Awaiting data")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")


class DataRequestTarget(TenantOwned):
    """One SKPD position asked for the data, with its latest submission."""

    State = TargetState

    request = models.ForeignKey(
        DataRequest, on_delete=models.CASCADE, related_name="targets"
    )
    position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=TargetState.choices, default=TargetState.PENDING
    )
    # The submitted table, validated against the request's columns.
    rows = models.JSONField(default=list)
    file_name = models.CharField(max_length=255, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(blank=True)
    # Deadline follow-through (``warkat.dashboard.datareq_deadlines``): once each.
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data request addressee")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="dashboard_target_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=TargetState.values),
                name="dashboard_target_state_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "position", "state"], name="dashboard_target_todo"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.position_id} ({self.state})"


class Dataset(TenantOwned):
    """An accepted table as published on the tenant's public portal. Each acceptance
    publishes a new version; unpublishing keeps the row (history)."""

    target = models.ForeignKey(
        DataRequestTarget, on_delete=models.PROTECT, related_name="datasets"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    producer = models.CharField(_("producer (produsen data)"), max_length=200)
    period = models.CharField(_("period"), max_length=60)
    unit_of_measure = models.CharField(max_length=60, blank=True)
    columns = models.JSONField()
    rows = models.JSONField()
    published_at = models.DateTimeField()
    unpublished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("published dataset")
        indexes = [
            models.Index(
                fields=["tenant", "-published_at"],
                condition=models.Q(unpublished_at__isnull=True),
                name="dashboard_dataset_public",
            )
        ]

    def __str__(self) -> str:
        return self.title
