"""A bulk correction by the personnel office after a machine outage (kept apart
from models.py for size; imported there so Django finds it)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from warkat.tenancy.models import TenantOwned


class BulkCorrection(TenantOwned):
    """One decision covering a date range and a unit's subtree; each person-day
    record it adds is an ordinary approved correction request pointing here."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        "org.Person", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    corrections = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bulk correction")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="attbulk_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"bulk correction {self.pk}"
