"""The organisation of a Pemda: units, positions (jabatan), people (pegawai) and who
holds which position when (assignments: definitif, Plt, Plh)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned

models.CharField.register_lookup(Length)


class UnitKind(models.TextChoices):
    PEMDA = "pemda", _("Regional government")
    SETDA = "setda", _("Regional secretariat (Setda)")
    SETWAN = "setwan", _("DPRD secretariat")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    DINAS = "dinas", _("Agency (dinas)")
    BADAN = "badan", _("Board (badan)")
    KECAMATAN = "kecamatan", _("District (kecamatan/distrik)")
    ASISTEN = "asisten", _("Assistant (asisten)")
    BAGIAN = "bagian", _("Section (bagian)")
    SEKRETARIAT = "sekretariat", _("Secretariat")
    BIDANG = "bidang", _("Division (bidang)")
    SUBBAGIAN = "subbagian", _("Subsection (subbagian)")
    SEKSI = "seksi", _("Section (seksi)")
    UPTD = "uptd", _("Technical unit (UPTD)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA = "desa", _("Village (desa/kampung)")
    LAINNYA = "lainnya", _("Other")


class Unit(TenantOwned):
    """A node of the organisation tree: OPD, bagian/bidang/subbagian, kecamatan, desa."""

    Kind = UnitKind

    #: Kinds that are an OPD (perangkat daerah) of their own.
    OPD_KINDS = frozenset(
        {"setda", "setwan", "inspektorat", "dinas", "badan", "kecamatan"}
    )

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # Short code used in letter numbers and imports, e.g. DISKOMINFO, SETDA.HK.
    code = models.CharField(_("unit code"), max_length=40)
    region_code = models.CharField(
        _("region code"), max_length=13, null=True, blank=True
    )
    # Materialised path of ancestor ids ("12/40/77/"): subtree queries without recursion.
    path = models.CharField(max_length=500, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="unit_code_unique"),
            models.UniqueConstraint(
                fields=["tenant", "region_code"],
                condition=models.Q(region_code__isnull=False),
                name="unit_region_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="unit_not_own_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=UnitKind.values),
                name="unit_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "parent"], name="unit_tenant_parent")]

    def __str__(self) -> str:
        return f"{self.name} [{self.code}]"

    @property
    def is_opd(self) -> bool:
        return self.kind in self.OPD_KINDS


class PositionCategory(models.TextChoices):
    KEPALA_DAERAH = "kepala_daerah", _("Regional head (political)")
    JPT = "jpt", _("High leadership (JPT)")
    ADMINISTRATOR = "administrator", _("Administrator")
    PENGAWAS = "pengawas", _("Supervisor (pengawas)")
    PELAKSANA = "pelaksana", _("Executor (pelaksana)")
    FUNGSIONAL = "fungsional", _("Functional")


class Eselon(models.TextChoices):
    IA = "I.a", "I.a"
    IB = "I.b", "I.b"
    IIA = "II.a", "II.a"
    IIB = "II.b", "II.b"
    IIIA = "III.a", "III.a"
    IIIB = "III.b", "III.b"
    IVA = "IV.a", "IV.a"
    IVB = "IV.b", "IV.b"
    VA = "V.a", "V.a"


class Position(TenantOwned):
    """A jabatan. Letters and dispositions are addressed to positions, not people."""

    Category = PositionCategory

    Eselon = Eselon

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("position code"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    eselon = models.CharField(
        _("echelon"), max_length=6, choices=Eselon.choices, blank=True
    )
    superior = models.ForeignKey(
        "self",
        verbose_name=_("superior position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subordinates",
    )
    # The head of its unit (kepala dinas, kepala bagian, camat …).
    is_head = models.BooleanField(_("head of unit"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="position_code_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(superior=models.F("id")),
                name="position_not_own_superior",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=PositionCategory.values),
                name="position_category_valid",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(is_head=True, is_active=True),
                name="position_one_head_per_unit",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "unit"], name="position_tenant_unit")]

    def __str__(self) -> str:
        return self.name


class EmployeeType(models.TextChoices):
    PNS = "pns", "PNS"
    PPPK = "pppk", "PPPK"
    NON_ASN = "non_asn", _("Non-ASN")
    PEJABAT_POLITIK = "pejabat_politik", _("Political official")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Person(TenantOwned):
    """A pegawai (or a political official without NIP)."""

    EmployeeType = EmployeeType

    Sex = Sex

    full_name = models.CharField(_("name"), max_length=200)
    front_title = models.CharField(_("title before name"), max_length=60, blank=True)
    back_title = models.CharField(_("title after name"), max_length=60, blank=True)
    nip = models.CharField(_("NIP"), max_length=18, null=True, blank=True)
    employee_type = models.CharField(
        _("employee type"), max_length=20, choices=EmployeeType.choices
    )
    # Pangkat/golongan, e.g. "Pembina (IV/a)"; stored as the golongan code "IV/a".
    rank = models.CharField(_("rank (golongan)"), max_length=8, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "nip"],
                condition=models.Q(nip__isnull=False),
                name="person_nip_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(nip__isnull=True) | models.Q(nip__length=18),
                name="person_nip_length",
            ),
            models.CheckConstraint(
                condition=models.Q(employee_type__in=EmployeeType.values),
                name="person_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(nip__isnull=False)
                | models.Q(employee_type__in=["non_asn", "pejabat_politik"]),
                name="person_asn_has_nip",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "full_name"], name="person_tenant_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Name with academic titles: ``dr. Maria Yikwa, M.Kes``."""
        name = self.full_name
        if self.front_title:
            name = f"{self.front_title} {name}"
        if self.back_title:
            name = f"{name}, {self.back_title}"
        return name


class AssignmentKind(models.TextChoices):
    DEFINITIF = "definitif", _("Definitive")
    PLT = "plt", "Plt."
    PLH = "plh", "Plh."


class Assignment(TenantOwned):
    """A person holding a position for a period: definitif, Plt or Plh."""

    Kind = AssignmentKind

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    decree_number = models.CharField(_("decree number"), max_length=120, blank=True)
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            # Portable half of "one definitif holder at a time": at most one open-ended
            # definitif assignment per position. PostgreSQL adds an exclusion
            # constraint over the date ranges (migration 0002).
            models.UniqueConstraint(
                fields=["position"],
                condition=models.Q(kind="definitif", end_date__isnull=True),
                name="assignment_one_open_definitif",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="assignment_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["definitif", "plt", "plh"]),
                name="assignment_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["position", "start_date"], name="assignment_pos_start"
            ),
            models.Index(
                fields=["person", "start_date"], name="assignment_person_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.position} ({self.kind})"

    @property
    def capacity_prefix(self) -> str:
        """``Plt.``/``Plh.`` before the position name; empty when definitif."""
        return "" if self.kind == self.Kind.DEFINITIF else self.get_kind_display()


#: What a change-feed entry carries of each kind of object (its state after the
#: change). Personal data beyond name, titles and NIP stay out of the feed.
FEED_FIELDS: dict[str, tuple[str, ...]] = {
    "unit": ("parent_id", "kind", "name", "code", "region_code", "is_active"),
    "position": (
        "unit_id",
        "name",
        "code",
        "category",
        "eselon",
        "superior_id",
        "is_head",
        "is_active",
    ),
    "person": (
        "full_name",
        "front_title",
        "back_title",
        "nip",
        "employee_type",
        "is_active",
    ),
    "assignment": ("person_id", "position_id", "kind", "start_date", "end_date"),
}


class OrgChange(TenantOwned):
    """One change of the organisation, for other apps to mirror (``GET
    /api/v1/org/changes``). Written in the same transaction as the change; ``seq``
    is numbered per tenant under a lock on the tenant's ``OrgChangeCounter`` row, so
    the numbers commit in order and a reader that has seen ``seq`` n never later
    finds a smaller one appear (no change is skipped)."""

    class Op(models.TextChoices):
        UPSERT = "upsert", _("created or changed")
        DELETE = "delete", _("deleted")

    seq = models.PositiveBigIntegerField()
    entity = models.CharField(max_length=12)
    object_id = models.BigIntegerField()
    op = models.CharField(max_length=6, choices=Op.choices)
    #: The object's fields after the change (FEED_FIELDS); None for a deletion.
    data = models.JSONField(null=True, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("organisation change")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "seq"], name="orgchange_seq"),
            models.CheckConstraint(
                condition=models.Q(entity__in=list(FEED_FIELDS)),
                name="orgchange_entity_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.op} {self.entity} {self.object_id}"


class OrgChangeCounter(models.Model):
    """The last ``OrgChange.seq`` of a tenant; locked while a change is recorded.
    Read and written only by ``org.services.changes``."""

    tenant = models.OneToOneField(
        "tenancy.Tenant", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.last_seq}"
