"""Classification codes (Permendagri 83/2022) with retention, global to the installation."""

from __future__ import annotations

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
