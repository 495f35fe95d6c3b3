"""Errors of the command centre."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from warkat.core.errors import NotFound, PermissionDenied, ValidationError


def no_scope() -> PermissionDenied:
    return PermissionDenied(
        "dashboard.no_scope",
        _("The command centre shows the units you lead; you lead none."),
    )


def unit_not_found() -> NotFound:
    return NotFound("dashboard.unit_not_found", _("Unit not found."))


def position_not_found() -> NotFound:
    return NotFound("dashboard.position_not_found", _("Position not found."))


def person_not_found() -> NotFound:
    return NotFound("dashboard.person_not_found", _("Person not found."))


def bad_period() -> ValidationError:
    return ValidationError(
        "dashboard.period_invalid",
        _("Give the period as two dates (YYYY-MM-DD), the first not after the last."),
        field="from",
    )


def period_too_long(days: int) -> ValidationError:
    return ValidationError(
        "dashboard.period_too_long",
        _("The period may span at most %(days)s days."),
        field="to",
        params={"days": days},
    )


def bad_month() -> ValidationError:
    return ValidationError(
        "dashboard.month_invalid",
        _("Give the month as YYYY-MM."),
        field="month",
    )


def not_assessor() -> PermissionDenied:
    return PermissionDenied(
        "dashboard.not_assessor",
        _("Only the direct superior of this person's position may assess them."),
    )


def bad_rating() -> ValidationError:
    return ValidationError(
        "dashboard.rating_invalid",
        _(
            "Choose one of the ratings: Sangat Baik, Baik, Butuh Perbaikan, Kurang, "
            "Sangat Kurang."
        ),
        field="rating",
    )


def no_adoption_access() -> PermissionDenied:
    return PermissionDenied(
        "dashboard.adoption_denied",
        _("The adoption page is for the tenant's administrators and leaders."),
    )


def dataset_not_found() -> NotFound:
    return NotFound("dataset.not_found", _("Dataset not found."))
