"""Tenants (one per Pemda) and the base class of every tenant-owned table."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Tenant(models.Model):
    """A Pemda: a province or a kabupaten/kota, keyed by its Kemendagri region code."""

    class Level(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency (kabupaten)")
        KOTA = "kota", _("City (kota)")

    class TimeZone(models.TextChoices):
        WIB = "Asia/Jakarta", "WIB"
        WITA = "Asia/Makassar", "WITA"
        WIT = "Asia/Jayapura", "WIT"

    region_code = models.CharField(_("region code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    time_zone = models.CharField(
        _("time zone"), max_length=32, choices=TimeZone.choices
    )
    # A province installation hosts its kabupaten; each keeps its data to itself.
    host = models.ForeignKey(
        "self",
        verbose_name=_("host tenant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted",
    )
    # Local words for the third and fourth region levels (Papua: distrik, kampung).
    district_word = models.CharField(
        _("word for kecamatan"), max_length=30, default="Kecamatan"
    )
    village_word = models.CharField(_("word for desa"), max_length=30, default="Desa")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=["provinsi", "kabupaten", "kota"]),
                name="tenant_level_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(host=models.F("id")),
                name="tenant_not_own_host",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.region_code})"


class TenantOwned(models.Model):
    """Base of every tenant-owned table: carries the tenant and fails closed.

    ``objects`` raises ``ScopeError`` unless a tenant scope is active
    (``warkat.tenancy.scope.tenant_scope``). On PostgreSQL, row-level security
    enforces the same rule in the database (``warkat.tenancy.rls``).
    """

    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects: ClassVar[Any] = ScopedManager(tenant="tenant")

    class Meta:
        abstract = True
