"""Outgoing letters: naskah types and kop, drafts with versions, the paraf chain,
number formats, counters and the number register, and delivery per recipient.

A draft is a one-to-one extension of ``letters.Letter`` (direction outgoing): the
letter row carries what every letter has (subject, security, urgency, classification,
number, date); the draft carries the drafting workflow.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class Family(models.TextChoices):
    ARAHAN = "arahan", _("Directive (arahan)")
    KORESPONDENSI = "korespondensi", _("Correspondence (korespondensi)")
    KHUSUS = "khusus", _("Special (khusus)")
    LAINNYA = "lainnya", _("Other (lainnya)")


class Layout(models.TextChoices):
    """Where the letter's parts sit on the page (reference §1.3 and §1.4)."""

    # Date at the right, Nomor/Sifat/Lampiran/Hal lines, Yth. block.
    KORESPONDENSI = "korespondensi", _("Correspondence (Nomor/Sifat/Lampiran/Hal)")
    # Yth./Dari/Tembusan/Tanggal/Nomor/Sifat/Lampiran/Hal header block.
    NOTA = "nota", _("Memorandum header (Yth./Dari/Hal)")
    # Centred title, NOMOR, TENTANG; no addressee.
    JUDUL = "judul", _("Title (centred title, NOMOR, TENTANG)")


class NaskahType(TenantOwned):
    """A jenis naskah dinas of the tenant with its own layout template."""

    Family = Family
    Layout = Layout

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    family = models.CharField(_("family"), max_length=16, choices=Family.choices)
    layout = models.CharField(_("layout"), max_length=16, choices=Layout.choices)
    # Pasal 44: signers of pengaturan/penetapan naskah are named without gelar.
    signer_titles = models.BooleanField(
        _("signer's name with academic titles"), default=True
    )
    # Letters of this type carry an event block (surat undangan).
    has_event = models.BooleanField(_("has an event block"), default=False)
    # Internal naskah (nota dinas, memo) go to positions in the tenant only.
    internal_only = models.BooleanField(_("internal only"), default=False)
    default_classification = models.CharField(
        _("default classification code"), max_length=40, blank=True
    )
    # Django template source rendered in the sandboxed engine (drafting.render).
    template_html = models.TextField(_("layout template (HTML)"))
    template_css = models.TextField(_("layout style (CSS)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("naskah type")
        verbose_name_plural = _("naskah types")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="naskahtype_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(family__in=Family.values),
                name="naskahtype_family_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(layout__in=Layout.values),
                name="naskahtype_layout_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Kop(TenantOwned):
    """The letterhead of a unit (an OPD, or the Pemda root for the Kepala Daerah)."""

    unit = models.OneToOneField(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="kop"
    )
    # "PEMERINTAH KABUPATEN KEEROM" above the unit's name.
    government_line = models.CharField(_("government line"), max_length=200)
    name = models.CharField(_("unit name as printed"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    # PNG or JPG checked by letters.files and kept in the default storage.
    logo_storage_name = models.CharField(max_length=300, blank=True)
    logo_content_type = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kop (letterhead)")

    def __str__(self) -> str:
        return self.name


class NumberFormat(TenantOwned):
    """How a letter number is composed, per naskah type (null type = tenant default)."""

    naskah_type = models.OneToOneField(
        NaskahType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="number_format",
    )
    pattern = models.CharField(_("pattern"), max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("number format")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=models.Q(naskah_type__isnull=True),
                name="numberformat_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.pattern


class NumberCounter(TenantOwned):
    """The last sequence used per unit, naskah type and year. Locked with
    ``select_for_update`` inside the signing transaction: no duplicates, no gaps."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    naskah_type = models.ForeignKey(
        NaskahType, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number counter")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "unit", "naskah_type", "year"],
                name="numbercounter_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.naskah_type_id}/{self.year}: {self.last_number}"


class EntryKind(models.TextChoices):
    SIGNED = "signed", _("Signed letter")
    RESERVED = "reserved", _("Reserved for a paper letter")
    # Taken for a letter whose signing is under way (``sending.letter_sign``):
    # becomes "signed" when the signed PDF is stored, or is voided by
    # ``recovery.numbers_pending_sweep`` when the signing never finished.
    PENDING = "pending", _("Being signed")


class NumberEntry(TenantOwned):
    """One taken sequence in the number register: a signed letter, a letter being
    signed, or a reservation, possibly voided later. Every sequence of a counter has
    exactly one entry."""

    Kind = EntryKind

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    naskah_type = models.ForeignKey(
        NaskahType, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=120)
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    letter = models.OneToOneField(
        "letters.Letter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="number_entry",
    )
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("number register entry")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "unit", "naskah_type", "year", "sequence"],
                name="numberentry_sequence_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EntryKind.values),
                name="numberentry_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="signed") | models.Q(letter__isnull=False),
                name="numberentry_signed_has_letter",
            ),
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True) | ~models.Q(void_reason=""),
                name="numberentry_void_has_reason",
            ),
            # A number being signed belongs to its letter until it is voided.
            models.CheckConstraint(
                condition=~models.Q(kind="pending")
                | models.Q(letter__isnull=False)
                | models.Q(voided_at__isnull=False),
                name="numberentry_pending_has_letter",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "unit", "year", "-sequence"],
                name="numberentry_register",
            )
        ]

    def __str__(self) -> str:
        return self.number


class DraftState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved, awaiting signature")
    SIGNED = "signed", _("Signed")
    SENT = "sent", _("Sent")


#: The outgoing letter's history (``LetterEvent.kind`` written by drafting services)
#: as its page names it; "returned" is a draft sent back for revision here.
DRAFT_EVENT_LABELS = {
    "drafted": _("Draft created"),
    "edited": _("Draft edited"),
    "submitted": _("Submitted for review"),
    "paraf": _("Initialled (paraf)"),
    "approved": _("Approved, awaiting signature"),
    "returned": _("Returned for revision"),
    "signed": _("Signed"),
    "sent": _("Sent"),
}


class SigningCapacity(models.TextChoices):
    """How the signer signs relative to the authority (reference §1.7)."""

    OWN = "", _("In own right")
    AN = "an", _("a.n. (on behalf of)")
    UB = "ub", _("a.n. + u.b. (for the one on behalf)")


class Draft(TenantOwned):
    """The drafting side of an outgoing letter."""

    State = DraftState
    Capacity = SigningCapacity

    letter = models.OneToOneField(
        "letters.Letter", on_delete=models.PROTECT, related_name="draft"
    )
    naskah_type = models.ForeignKey(
        NaskahType,
        verbose_name=_("naskah type"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=DraftState.choices, default=DraftState.DRAFT
    )
    # Sanitised HTML (drafting.sanitize); never stored unsanitised.
    body = models.TextField(_("body"), blank=True)
    # Title-layout letters: the TENTANG line; undangan: the event.
    about = models.CharField(_("about (tentang)"), max_length=500, blank=True)
    event_day = models.CharField(_("day/date"), max_length=120, blank=True)
    event_time = models.CharField(_("time"), max_length=120, blank=True)
    event_place = models.CharField(_("place"), max_length=300, blank=True)
    event_agenda = models.CharField(_("agenda"), max_length=500, blank=True)
    # Surat tugas: the people it sends (person ids of the tenant) and the dates of
    # the duty; once signed, attendance counts those days as dinas luar.
    duty_person_ids = models.JSONField(_("people assigned"), default=list, blank=True)
    duty_start = models.DateField(_("duty from"), null=True, blank=True)
    duty_end = models.DateField(_("duty to"), null=True, blank=True)
    place = models.CharField(_("place of signing"), max_length=120, blank=True)
    drafter = models.ForeignKey(
        "org.Person",
        verbose_name=_("drafter"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafter_position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    signer_position = models.ForeignKey(
        "org.Position",
        verbose_name=_("signing position"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.CharField(
        _("signing capacity"),
        max_length=2,
        choices=SigningCapacity.choices,
        default="",
        blank=True,
    )
    # a.n.: the authority signed for; u.b.: also the official in between.
    on_behalf_position = models.ForeignKey(
        "org.Position",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ub_position = models.ForeignKey(
        "org.Position",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=0)
    # Submission round: each return starts a new round of paraf steps.
    round = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Recorded at signing: who signed, in which assignment kind, the artefact.
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_kind = models.CharField(max_length=10, blank=True)
    # The signed PDF (stored once, immutable).
    signed_document = models.OneToOneField(
        "signing.SignedDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outgoing letter draft")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=DraftState.values),
                name="draft_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__in=SigningCapacity.values),
                name="draft_capacity_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity="")
                | models.Q(on_behalf_position__isnull=False),
                name="draft_an_has_authority",
            ),
            models.CheckConstraint(
                condition=~models.Q(capacity="ub")
                | models.Q(ub_position__isnull=False),
                name="draft_ub_has_intermediate",
            ),
            models.CheckConstraint(
                condition=models.Q(duty_start__isnull=True, duty_end__isnull=True)
                | models.Q(duty_end__gte=models.F("duty_start")),
                name="draft_duty_dates",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["signed", "sent"])
                | models.Q(signed_at__isnull=False, signed_by__isnull=False),
                name="draft_signed_has_signer",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "drafter", "-updated_at"], name="draft_mine"
            ),
            models.Index(
                fields=["tenant", "duty_end", "duty_start"],
                condition=models.Q(duty_start__isnull=False),
                name="draft_duty",
            ),
            models.Index(
                fields=["tenant", "state", "signer_position"], name="draft_to_sign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} ({self.state})"


class DraftVersion(TenantOwned):
    """A snapshot of the draft kept at every save; any two can be compared."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    author = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    author_capacity = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("draft version")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "number"], name="draftversion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} v{self.number}"


class RecipientRole(models.TextChoices):
    TO = "to", _("Addressee (Yth.)")
    COPY = "copy", _("Copy (tembusan)")


class RecipientKind(models.TextChoices):
    POSITION = "position", _("Position")
    UNIT = "unit", _("Unit")
    EXTERNAL = "external", _("External addressee")


class Recipient(TenantOwned):
    """An addressee or tembusan of a draft.

    Positions and units may belong to another tenant, so they are kept as ids with
    the tenant and a printed label rather than foreign keys (a foreign key would
    join across tenants and be hidden by row-level security).
    """

    Role = RecipientRole
    Kind = RecipientKind

    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, related_name="recipients"
    )
    role = models.CharField(max_length=6, choices=RecipientRole.choices)
    kind = models.CharField(max_length=10, choices=RecipientKind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    target_tenant_id = models.BigIntegerField(null=True, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    label = models.CharField(_("addressee"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("recipient")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=RecipientRole.values),
                name="recipient_role_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="external", target_id__isnull=True)
                    | models.Q(
                        kind__in=["position", "unit"],
                        target_id__isnull=False,
                        target_tenant_id__isnull=False,
                    )
                ),
                name="recipient_target_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class StepKind(models.TextChoices):
    HIERARCHY = "hierarchy", _("Hierarchical paraf")
    COORDINATION = "coordination", _("Coordination paraf")
    SIGNER = "signer", _("Signature")


class StepState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved (paraf)")
    RETURNED = "returned", _("Returned")
    SIGNED = "signed", _("Signed")


class ReviewStep(TenantOwned):
    """One step of the paraf chain of a submission round, addressed to a position."""

    Kind = StepKind
    State = StepState

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveIntegerField()
    order = models.PositiveSmallIntegerField()
    position = models.ForeignKey(
        "org.Position", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=14, choices=StepKind.choices)
    state = models.CharField(
        max_length=10, choices=StepState.choices, default="pending"
    )
    acted_by = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_capacity = models.CharField(max_length=10, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The version the reviewer saw (or made, when editing) when acting.
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("review step")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "round", "order"], name="reviewstep_order_unique"
            ),
            models.UniqueConstraint(
                fields=["draft", "round", "position"], name="reviewstep_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(state="pending") | models.Q(acted_at__isnull=False),
                name="reviewstep_acted_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "position", "state"], name="reviewstep_todo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} r{self.round} #{self.order} {self.state}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(TenantOwned):
    """Sending a signed letter to one recipient: into a Warkat inbox or by e-mail."""

    Status = DeliveryStatus

    draft = models.ForeignKey(
        Draft, on_delete=models.PROTECT, related_name="deliveries"
    )
    recipient = models.OneToOneField(
        Recipient, on_delete=models.PROTECT, related_name="delivery"
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # The incoming letter registered in the recipient's inbox (maybe another tenant).
    delivered_letter_id = models.BigIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.status}"


# The batch tables live beside this module; imported so Django finds them.
from warkat.drafting.batch_models import SigningBatch as SigningBatch  # noqa: E402
from warkat.drafting.batch_models import SigningBatchItem as SigningBatchItem  # noqa: E402
