"""Classification codes (Permendagri 83/2022) with retention, global to the installation;
each tenant's archive settings, legal holds and disposal batches (penyusutan)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class FinalDisposition(models.TextChoices):
    MUSNAH = "musnah", _("Destroy (musnah)")
    PERMANEN = "permanen", _("Permanent (permanen)")
    DINILAI_KEMBALI = "dinilai_kembali", _("Re-appraise (dinilai kembali)")


class ClassificationCode(models.Model):
    """A kode klasifikasi arsip. Grouping nodes have no retention; letters use leaves.

    Not tenant-owned: the national scheme is the same for every Pemda. A tenant's
    local additions live in ``TenantClassificationCode``.
    """

    FinalDisposition = FinalDisposition

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.TextField(_("name"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    retention_active_years = models.PositiveSmallIntegerField(
        _("active retention (years)"), null=True, blank=True
    )
    retention_inactive_years = models.PositiveSmallIntegerField(
        _("inactive retention (years)"), null=True, blank=True
    )
    final_disposition = models.CharField(
        _("final disposition"),
        max_length=20,
        choices=FinalDisposition.choices,
        blank=True,
    )
    retention_note = models.CharField(_("retention note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("classification code")
        verbose_name_plural = _("classification codes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    final_disposition__in=["", *FinalDisposition.values]
                ),
                name="classification_final_valid",
            ),
            # Retention is all-or-nothing: a leaf has all three, a grouping node none.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        retention_active_years__isnull=True,
                        retention_inactive_years__isnull=True,
                        final_disposition="",
                    )
                    | (
                        models.Q(
                            retention_active_years__isnull=False,
                            retention_inactive_years__isnull=False,
                        )
                        & ~models.Q(final_disposition="")
                    )
                ),
                name="classification_retention_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def has_retention(self) -> bool:
        return self.retention_active_years is not None


class TenantClassificationCode(TenantOwned):
    """A tenant's local view of a national code: hide it from pickers or adjust the
    retention set by the local JRA (Perbup/Perwali)."""

    code = models.ForeignKey(
        ClassificationCode, on_delete=models.PROTECT, related_name="tenant_overrides"
    )
    is_hidden = models.BooleanField(_("hidden from pickers"), default=False)
    retention_active_years = models.PositiveSmallIntegerField(
        _("active retention (years)"), null=True, blank=True
    )
    retention_inactive_years = models.PositiveSmallIntegerField(
        _("inactive retention (years)"), null=True, blank=True
    )
    final_disposition = models.CharField(
        _("final disposition"),
        max_length=20,
        choices=FinalDisposition.choices,
        blank=True,
    )
    source_regulation = models.CharField(
        _("local regulation"), max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("local classification setting")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="tenant_classification_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    final_disposition__in=["", *FinalDisposition.values]
                ),
                name="tenant_classification_final_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.code)


# --- retention and disposal (penyusutan) ---------------------------------------------


class ArchiveSettings(TenantOwned):
    """Who the tenant's records centre and appraisers are (one row per tenant).

    The unit kearsipan receives records moved out of the units (pemindahan); its TU
    staff (role ``tu`` bound to this unit) propose disposals and keep legal holds.
    The panitia penilai arsip is a set of positions (``AppraisalMember``): whoever
    holds one of them on the day appraises.
    """

    records_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("records centre (unit kearsipan)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    records_head = models.ForeignKey(
        "org.Position",
        verbose_name=_("head of the records centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kepala Daerah (or the official the Perkada names): approves destruction and
    # signs the berita acara of destruction and of handover.
    approver = models.ForeignKey(
        "org.Position",
        verbose_name=_("approving official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    regional_archive = models.CharField(
        _("regional archive (lembaga kearsipan daerah)"), max_length=200, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("archive settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="archive_settings_unique")
        ]

    def __str__(self) -> str:
        return f"archive settings {self.tenant_id}"


class AppraisalMember(TenantOwned):
    """A position on the panitia penilai arsip."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("appraisal committee member")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "position"], name="appraisal_member_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["chair", "secretary", "member"]),
                name="appraisal_member_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.position_id}"


class LegalHold(TenantOwned):
    """A letter involved in a case: never proposed for destruction while held."""

    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    case_reference = models.CharField(_("case reference"), max_length=200, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("legal hold")
        constraints = [
            # One open hold per letter; released ones stay as history.
            models.UniqueConstraint(
                fields=["letter"],
                condition=models.Q(released_at__isnull=True),
                name="legal_hold_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"hold {self.letter_id}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class DisposalKind(models.TextChoices):
    TRANSFER = "pemindahan", _("Transfer to the records centre (pemindahan)")
    DESTRUCTION = "pemusnahan", _("Destruction (pemusnahan)")
    HANDOVER = "penyerahan", _("Handover to the regional archive (penyerahan)")


class BatchState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPRAISED = "appraised", _("Appraised by the committee")
    APPROVED = "approved", _("Approved, waiting for signatures")
    SIGNED = "signed", _("Berita acara signed")
    DESTROYING = "destroying", _("Destroying the files")
    PACKAGING = "packaging", _("Building the handover package")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class DisposalBatch(TenantOwned):
    """One penyusutan: the list (daftar arsip), its appraisal and approval, the
    berita acara and what was done. Kept forever, whatever happens to the files."""

    Kind = DisposalKind
    State = BatchState

    kind = models.CharField(_("kind"), max_length=12, choices=DisposalKind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=BatchState.choices, default="proposed"
    )
    # The unit pengolah whose records are listed (transfer), or the records unit.
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Kepala ANRI approves destruction of records kept 10 years or more.
    anri_approval = models.CharField(
        _("ANRI approval reference"), max_length=200, blank=True
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    # Handover: the BagIt package (zip) in the default storage.
    package_name = models.CharField(max_length=300, blank=True)
    package_sha256 = models.CharField(max_length=64, blank=True)
    package_size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("disposal batch")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DisposalKind.values),
                name="disposal_batch_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=BatchState.values),
                name="disposal_batch_state_valid",
            ),
            # Files are destroyed only under a signed berita acara.
            models.CheckConstraint(
                condition=~models.Q(state__in=["signed", "destroying", "packaging"])
                | models.Q(signed_at__isnull=False),
                name="disposal_batch_signed_first",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "state"], name="disposal_state")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state not in {"done", "rejected", "cancelled"}


class DisposalItem(TenantOwned):
    """A letter on a batch's list, with what the list said about it then."""

    batch = models.ForeignKey(
        DisposalBatch, on_delete=models.PROTECT, related_name="items"
    )
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=DisposalKind.choices)
    # Open while the batch is open; done or dropped after.
    state = models.CharField(max_length=8, default="open")
    # The list line as printed (a secret letter: level and agenda line only).
    description = models.CharField(max_length=500)
    code = models.CharField(max_length=20)
    record_date = models.DateField()
    due_date = models.DateField()
    files = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("disposal item")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["open", "done", "dropped"]),
                name="disposal_item_state_valid",
            ),
            # A letter is on one open list at a time, and done once per kind.
            models.UniqueConstraint(
                fields=["letter"],
                condition=models.Q(state="open"),
                name="disposal_item_one_open",
            ),
            models.UniqueConstraint(
                fields=["letter", "kind"],
                condition=models.Q(state="done"),
                name="disposal_item_done_once",
            ),
        ]
        indexes = [models.Index(fields=["batch"], name="disposal_item_batch")]

    def __str__(self) -> str:
        return self.description


class Appraisal(TenantOwned):
    """One committee position's verdict on a batch."""

    batch = models.ForeignKey(
        DisposalBatch, on_delete=models.PROTECT, related_name="appraisals"
    )
    position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=10, blank=True)
    approve = models.BooleanField()
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("appraisal")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "position"], name="appraisal_once_per_position"
            ),
        ]


class BatchSignature(TenantOwned):
    """A signature the berita acara needs, in order. Each signer signs the file the
    previous one stored (a new ``SignedDocument``; no signed file is rewritten)."""

    batch = models.ForeignKey(
        DisposalBatch, on_delete=models.PROTECT, related_name="signatures"
    )
    order = models.PositiveSmallIntegerField()
    position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    # unit_head, records_head or approver (``workflow.SIGNER_LABELS``).
    label = models.CharField(max_length=100)
    # Where the visible signature goes: [page, x1, y1, x2, y2] in PDF points, found
    # when the berita acara is first rendered.
    box = models.JSONField(default=list)
    document = models.OneToOneField(
        "signing.SignedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("berita acara signature")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "order"], name="batch_signature_order"
            ),
        ]


class DestructionRecord(TenantOwned):
    """One stored file of a batch to destroy, planned before the first deletion.

    Deleting is idempotent (a missing object counts as deleted), so an interrupted
    destruction resumes by deleting what is not yet ``destroyed_at``. What the file
    was (name, size, hash) stays here after the file and its row are gone."""

    batch = models.ForeignKey(
        DisposalBatch, on_delete=models.PROTECT, related_name="destructions"
    )
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, related_name="+"
    )
    # letter_file, page, followup_file, searchable, signed
    source = models.CharField(max_length=16)
    storage_name = models.CharField(max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("destroyed file")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "storage_name"], name="destruction_once"
            ),
        ]


class LetterDue(TenantOwned):
    """When a letter falls due, stored (``retention`` explains the rule): a unit's
    due lists are then read through an index instead of computing every letter's
    dates. Kept by ``warkat.archive.services.dues`` when a letter's code, dates,
    direction or unit change, or the tenant's local JRA does; only letters whose
    code carries a retention have a row."""

    letter = models.OneToOneField(
        "letters.Letter", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    record_date = models.DateField()
    # The first year (1 January) past the active, and past the inactive period.
    transfer_year = models.PositiveSmallIntegerField()
    final_year = models.PositiveSmallIntegerField()
    final = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("letter due date")
        indexes = [
            # Due for transfer: transfer_year <= year < final_year. Each bound
            # alone holds most letters (a range on either reads them all); the
            # transfer years that can be due are few (within the longest
            # inactive period), each read as its own range of final_year. Every
            # column the list reads is in the index (index-only scans).
            models.Index(
                fields=[
                    "tenant",
                    "unit",
                    "transfer_year",
                    "final_year",
                    "record_date",
                    "letter",
                ],
                name="letterdue_transfer_final",
            ),
            models.Index(
                fields=["tenant", "unit", "final_year", "record_date", "letter"],
                name="letterdue_final",
            ),
        ]

    def __str__(self) -> str:
        return f"due dates of letter {self.letter_id}"
