"""E-absen tables: working-time configuration, work locations, check-in records,
absence and correction requests.

Records are never edited in place: a correction is a request whose approval adds a
new record (source "correction"); a review decision is written on the record once.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.attendance.rules import (
    ANNUAL_LEAVE_DAYS,
    ANNUAL_LEAVE_SERVICE_MONTHS,
    CLTN_MAX_MONTHS,
    CUTI_BERSAMA_REDUCES_ANNUAL,
    LEAVE_CAP_ONE_YEAR,
    LEAVE_CAP_TWO_YEARS,
    MATERNITY_CHILDREN,
)
from warkat.tenancy.models import TenantOwned


def _pct(value: str) -> models.DecimalField:
    return models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(value))


class AttendanceSettings(TenantOwned):
    """Per-tenant e-absen rules (one row; national defaults until changed)."""

    # Geofence and fraud signals.
    default_radius_m = models.PositiveSmallIntegerField(default=100)
    duplicate_window_s = models.PositiveSmallIntegerField(default=120)
    # Faster than this between two consecutive records is flagged.
    max_speed_kmh = models.PositiveSmallIntegerField(default=150)
    # Browsers report ≥ 3 m outdoors; a smaller value is a fake-GPS sign.
    suspicious_accuracy_m = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("2")
    )
    # Same coordinates (to ~1 m) on this many earlier days is flagged.
    repeat_days = models.PositiveSmallIntegerField(default=3)
    # An offline record sent this much later than its device time is flagged.
    offline_gap_min = models.PositiveSmallIntegerField(default=30)
    # Leave.
    annual_leave_days = models.PositiveSmallIntegerField(default=ANNUAL_LEAVE_DAYS)
    # Most annual leave usable in a year with last year's unused days, and with
    # the unused days of two years in a row (PP 11/2017).
    leave_cap_one_year = models.PositiveSmallIntegerField(default=LEAVE_CAP_ONE_YEAR)
    leave_cap_two_years = models.PositiveSmallIntegerField(default=LEAVE_CAP_TWO_YEARS)
    # First year whose leave is recorded here (earlier years carry nothing over);
    # empty: the year of the tenant's first request.
    leave_records_from = models.PositiveSmallIntegerField(null=True, blank=True)
    # Months of service since the TMT CPNS before annual leave (PP 11/2017).
    annual_leave_service_months = models.PositiveSmallIntegerField(
        default=ANNUAL_LEAVE_SERVICE_MONTHS
    )
    # Cuti bersama taken from the annual entitlement (national rule: no).
    cuti_bersama_reduces_annual = models.BooleanField(
        default=CUTI_BERSAMA_REDUCES_ANNUAL
    )
    cltn_max_months = models.PositiveSmallIntegerField(default=CLTN_MAX_MONTHS)
    maternity_children = models.PositiveSmallIntegerField(default=MATERNITY_CHILDREN)
    # [[kind, more than N working days, document name], …]; empty: the national
    # defaults (rules.DOCUMENT_RULES).
    document_rules = models.JSONField(default=list, blank=True)
    # TPP cuts (percent of the monthly allowance), Perkada practice defaults.
    tl1_pct = _pct("0.5")
    tl2_pct = _pct("1")
    tl3_pct = _pct("1.25")
    tl4_pct = _pct("1.5")
    psw1_pct = _pct("0.5")
    psw2_pct = _pct("1")
    psw3_pct = _pct("1.25")
    psw4_pct = _pct("1.5")
    tk_pct = _pct("3")
    # PP 94/2021 thresholds: [[days, step], …] and consecutive days.
    discipline_steps = models.JSONField(default=list)
    consecutive_alert_days = models.PositiveSmallIntegerField(default=10)
    # A selfie with each check-in from the phone (off by default); kept this many
    # days, then the picture is deleted by the periodic purge.
    selfie_required = models.BooleanField(default=False)
    selfie_retention_days = models.PositiveSmallIntegerField(default=90)

    class Meta:
        verbose_name = _("attendance settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="attendance_settings_one"),
        ]

    def __str__(self) -> str:
        return f"attendance settings {self.tenant_id}"


class WorkSchedule(TenantOwned):
    """Working hours of the tenant (``unit`` empty) or of a unit and its subtree.

    A schedule with dates (Ramadan) overrides the undated one for those dates.
    """

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=120)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("work schedule")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(valid_from__isnull=True, valid_to__isnull=True)
                    | models.Q(
                        valid_from__isnull=False,
                        valid_to__isnull=False,
                        valid_to__gte=models.F("valid_from"),
                    )
                ),
                name="workschedule_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkScheduleDay(TenantOwned):
    schedule = models.ForeignKey(
        WorkSchedule, on_delete=models.CASCADE, related_name="days"
    )
    weekday = models.PositiveSmallIntegerField()  # 0 = Monday
    start = models.TimeField()
    end = models.TimeField()
    break_minutes = models.PositiveSmallIntegerField(default=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "weekday"], name="workscheduleday_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="workscheduleday_weekday"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="workscheduleday_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start}-{self.end}"


class Shift(TenantOwned):
    """A shift of a unit that works in shifts (hospital, fire service, Satpol PP).
    An ``end`` not after ``start`` ends the next day (a night shift)."""

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=60)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        verbose_name = _("shift")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"], name="shift_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


class RosterEntry(TenantOwned):
    """Who works which shift on a day; it overrides the unit's working hours for
    that person and day (holidays included). No shift: a rostered day off."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "person", "day"], name="rosterentry_unique"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "day"], name="rosterentry_day")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day} {self.shift_id}"


class WorkLocation(TenantOwned):
    """A place where a unit's people may check in: a point and a radius."""

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    radius_m = models.PositiveSmallIntegerField(_("radius (m)"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("work location")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(radius_m__gte=15, radius_m__lte=200),
                name="worklocation_radius",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="worklocation_coordinates",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "unit"], name="worklocation_unit")]

    def __str__(self) -> str:
        return self.name


class PersonPlace(TenantOwned):
    """An extra place assigned to one person (a puskesmas in a distrik)."""

    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(
        WorkLocation, on_delete=models.CASCADE, related_name="assigned"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "location"], name="personplace_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.location_id}"


class Source(models.TextChoices):
    WEB = "web", _("Phone/browser")
    OFFLINE = "offline", _("Phone, sent later (offline)")
    MACHINE = "machine", _("Attendance machine")
    CORRECTION = "correction", _("Approved correction")


class Direction(models.TextChoices):
    IN = "in", _("Check-in")
    OUT = "out", _("Check-out")


class Review(models.TextChoices):
    NONE = "", _("Not flagged")
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class CheckIn(TenantOwned):
    """One check-in or check-out as received, with what the server made of it.

    ``recorded_at`` is the server's clock; ``device_at`` what the phone said (kept for
    offline records and compared). ``at`` is the time the record stands for: the
    server's time, or for an offline record the device time (the gap is flagged).
    """

    Source = Source
    Direction = Direction
    Review = Review

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    at = models.DateTimeField()
    day = models.DateField()  # ``at`` in the tenant's time zone
    recorded_at = models.DateTimeField()
    device_at = models.DateTimeField(null=True, blank=True)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy_m = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    location = models.ForeignKey(
        WorkLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    # [{"code": "outside", "params": {...}}, …]: why it needs review.
    flags = models.JSONField(default=list, blank=True)
    review = models.CharField(
        max_length=10, choices=Review.choices, default="", blank=True
    )
    reviewed_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    # The phone's key for this tap (a retry or a replayed batch sends it again).
    client_key = models.CharField(max_length=64, blank=True)
    request = models.ForeignKey(
        "attendance.AttendanceRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attendance record")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "person", "client_key"],
                condition=~models.Q(client_key=""),
                name="checkin_client_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=Source.values),
                name="checkin_source_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="checkin_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(review__in=Review.values),
                name="checkin_review_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(review__in=["accepted", "rejected"])
                | models.Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="checkin_review_recorded",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "person", "day"], name="checkin_person_day"),
            models.Index(fields=["tenant", "day"], name="checkin_day"),
            models.Index(
                fields=["tenant", "day"],
                condition=models.Q(review="pending"),
                name="checkin_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.direction} {self.at}"

    @property
    def counts(self) -> bool:
        """A rejected record does not count for the day's status."""
        return self.review != Review.REJECTED


class CheckInSelfie(TenantOwned):
    """The picture taken with a check-in (re-encoded small JPEG, no EXIF), under the
    tenant's folder of the default storage. Shown only to the person's superiors
    and the personnel office; after the retention the file is deleted and
    ``purged_at`` says when (the row stays as the trace)."""

    record = models.OneToOneField(
        CheckIn, on_delete=models.PROTECT, related_name="selfie"
    )
    storage_name = models.CharField(max_length=255, blank=True)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purged_at__isnull=True) | models.Q(storage_name=""),
                name="checkinselfie_purged_no_file",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "created_at"],
                condition=models.Q(purged_at__isnull=True),
                name="checkinselfie_kept",
            ),
        ]

    def __str__(self) -> str:
        return f"selfie of {self.record_id}"


class RequestKind(models.TextChoices):
    IZIN = "izin", _("Permission (izin)")
    SAKIT = "sakit", _("Sick (sakit)")
    CUTI_TAHUNAN = "cuti_tahunan", _("Annual leave")
    CUTI_BESAR = "cuti_besar", _("Long leave (cuti besar)")
    CUTI_SAKIT = "cuti_sakit", _("Sick leave")
    CUTI_MELAHIRKAN = "cuti_melahirkan", _("Maternity leave")
    CUTI_ALASAN_PENTING = "cuti_alasan_penting", _("Leave for important reasons")
    CUTI_BERSAMA = "cuti_bersama", _("Collective leave (cuti bersama)")
    CUTI_CLTN = "cuti_cltn", _("Unpaid leave (di luar tanggungan negara)")
    DINAS_LUAR = "dinas_luar", _("Official duty elsewhere (dinas luar)")
    KOREKSI = "koreksi", _("Correction of a record")


#: Kinds that cover whole days (everything but a correction).
ABSENCE_KINDS = frozenset(RequestKind.values) - {RequestKind.KOREKSI}


class RequestState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Withdrawn")


class AttendanceRequest(TenantOwned):
    """A leave/permission request, or a correction of a day's record, addressed to
    the requester's superior position and decided by whoever holds it that day."""

    Kind = RequestKind
    State = RequestState

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=RequestKind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    reason = models.TextField(_("reason"))
    # Working days the request covers (annual leave balance counts these).
    days = models.PositiveSmallIntegerField(default=0)
    # Corrections: the record to add.
    correction_direction = models.CharField(
        max_length=3, choices=Direction.choices, blank=True
    )
    correction_time = models.TimeField(null=True, blank=True)
    approver_position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RequestState.choices,
        default=RequestState.PENDING,
    )
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_capacity = models.CharField(max_length=10, blank=True)
    decision_note = models.TextField(blank=True)
    # A correction made by a bulk correction of the personnel office.
    bulk = models.ForeignKey(
        "attendance.BulkCorrection", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("attendance request")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="attrequest_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RequestKind.values),
                name="attrequest_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=RequestState.values),
                name="attrequest_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="koreksi")
                | models.Q(
                    correction_time__isnull=False,
                    correction_direction__in=["in", "out"],
                    end_date=models.F("start_date"),
                ),
                name="attrequest_correction_fields",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["approved", "refused"])
                | models.Q(decided_at__isnull=False, decided_by__isnull=False),
                name="attrequest_decision_recorded",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "person", "start_date"], name="attrequest_person"
            ),
            models.Index(
                fields=["tenant", "approver_position", "state"],
                name="attrequest_todo",
            ),
            models.Index(
                fields=["tenant", "end_date", "start_date"],
                condition=models.Q(state="approved"),
                name="attrequest_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.start_date}..{self.end_date}"

    @property
    def audit_repr(self) -> str:
        # The reason may be medical: the log names the request, not its text.
        return f"attendance request {self.pk} ({self.kind})"


class RequestDocument(TenantOwned):
    """A document attached to a request (a doctor's note), sniffed as PDF, JPEG
    or PNG, under the tenant's folder of the default storage; shown only to the
    requester, the approver chain and the personnel office."""

    request = models.ForeignKey(
        AttendanceRequest, on_delete=models.PROTECT, related_name="documents"
    )
    name = models.CharField(_("document"), max_length=200)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=255)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.request_id}: {self.name}"


class DisciplineAlert(TenantOwned):
    """A PP 94/2021 threshold a person reached, sent once per (year, step)."""

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    # "days:3" (cumulative threshold) or "consecutive:10".
    threshold = models.CharField(max_length=30)
    days = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "person", "year", "threshold"],
                name="disciplinealert_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.threshold}"


from warkat.attendance.bulk_models import BulkCorrection  # noqa: E402, F401
